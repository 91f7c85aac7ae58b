// The index store's replicas (store/replica-feed.ts, IndexStore.applyReplica): one store's feed of
// its own peers, read in pages, written into a second store as a member's copy. Real SQLite files.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchQuerySchema, type IndexedFile } from '../../src-shared/api/index-routes.js';
import { IndexStore } from '../../src-main/core/index/index-store.js';
import type { FeedPage } from '../../src-main/core/index/store/replica-feed.js';
import { openDatabase, type Db } from '../../src-main/core/store/database.js';
import { expectCountsConsistent } from '../support/index-store-counts.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sha256 } from '../support/sha256.js';

const T0 = 1_700_000_000_000;
const HOME = 'member-a';
const BOUNDS = { maxReplicas: 100, maxFiles: 100, maxMemberFiles: 1_000 };
const file = (name: string): IndexedFile => ({ id: sha256(name), name, size: 1000, mime: 'text/plain', category: 'document', tags: [], pieceSize: 262_144 });

let dir: { path: string; remove(): Promise<void> };
let dbs: Db[];
let a: IndexStore;
let b: IndexStore;

const register = (store: IndexStore, peerId: string, files: IndexedFile[], now = T0) =>
  store.registerPeer({ peerId, name: `name of ${peerId}`, address: '10.0.0.1', port: 9001, sessionHash: `hash-${peerId}`, now, files });
const names = (store: IndexStore, q: string) => store.search(searchQuerySchema.parse({ q })).items.map((r) => r.name).sort();
/** Every page of A's feed after `since` (of its epoch), as a member pulls them, `maxPeers` at a time. */
function pullAll(since: number, maxPeers = 500, epoch: string | undefined = a.replicaPage(0, undefined, 1, 1).epoch): { pages: FeedPage[]; next: number } {
  const pages: FeedPage[] = [];
  let at = since;
  for (;;) {
    if (pages.length >= 100) throw new Error('the feed never ends: 100 pages');
    const page = a.replicaPage(at, epoch, maxPeers, 20_000);
    pages.push(page);
    at = page.next;
    if (!page.more) return { pages, next: at };
  }
}
/** B copies A's feed after `since` as generation `gen`. */
const copy = (since: number, gen = 1) => {
  const { pages, next } = pullAll(since);
  for (const p of pages) b.applyReplica(HOME, gen, p, BOUNDS, T0);
  return next;
};

beforeEach(async () => {
  dir = await makeTempDir();
  dbs = [openDatabase(join(dir.path, 'a.db')), openDatabase(join(dir.path, 'b.db'))];
  a = new IndexStore(dbs[0]!);
  b = new IndexStore(dbs[1]!);
});

afterEach(async () => {
  for (const db of dbs) db.close();
  await dir.remove();
});

describe('the feed of a store\u2019s own peers', () => {
  it('sends each changed peer whole, once, in revision order; heartbeats change nothing', () => {
    register(a, 'p1', [file('first chart.txt')]);
    register(a, 'p2', [file('second chart.txt'), file('third chart.txt')]);
    const { pages, next } = pullAll(0);
    expect(pages.flatMap((p) => p.peers.map((x) => [x.peerId, x.files.map((f) => f.name)]))).toEqual([
      ['p1', ['first chart.txt']], ['p2', ['second chart.txt', 'third chart.txt']],
    ]);
    a.touchOnlinePeers([['p1', { now: T0 + 1000, activeUploads: 1, freeUploadSlots: 2, reputationDelta: 1 }]]);
    expect(pullAll(next).pages.flatMap((p) => [...p.peers, ...p.removed])).toEqual([]);
    a.addPeerFiles('p1', [file('fourth chart.txt')]);
    a.markOffline(['p2']);
    expect(pullAll(next).pages.flatMap((p) => p.peers.map((x) => [x.peerId, x.status, x.files.length]))).toEqual([['p1', 'online', 2], ['p2', 'offline', 2]]);
  });

  it('pages of a few peers skip nothing between peers and removals', () => {
    for (let i = 0; i < 7; i++) register(a, `p${i}`, [file(`file ${i}.txt`)]);
    const start = pullAll(0).next;
    // Interleaved: removals and changes, each with its own revision.
    a.removePeer('p1');
    a.addPeerFiles('p2', [file('file 2b.txt')]);
    a.removePeer('p3');
    a.addPeerFiles('p4', [file('file 4b.txt')]);
    a.removePeer('p5');
    a.addPeerFiles('p6', [file('file 6b.txt')]);
    const { pages } = pullAll(start, 2);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.flatMap((p) => p.removed)).toEqual(['p1', 'p3', 'p5']);
    expect(pages.flatMap((p) => p.peers.map((x) => x.peerId))).toEqual(['p2', 'p4', 'p6']);
  });

  it('another epoch (the store reopened) or none starts over from the first peer', () => {
    register(a, 'p1', [file('first.txt')]);
    const page = a.replicaPage(99, 'an epoch of before', 10, 100);
    expect(page).toMatchObject({ reset: true, removed: [] });
    expect(page.peers.map((p) => p.peerId)).toEqual(['p1']);
    expect(new IndexStore(dbs[0]!).replicaPage(0, page.epoch, 10, 100).reset).toBe(true);
  });

  it('a store reopened over removals of before is copied whole, a page at a time, without starting over', () => {
    for (let i = 0; i < 4; i++) register(a, `p${i}`, [file(`file ${i}.txt`)]);
    a.removePeer('p0');
    a = new IndexStore(dbs[0]!);
    const first = a.replicaPage(0, undefined, 1, 100);
    expect(first.reset).toBe(true);
    const { pages } = pullAll(first.next, 1, first.epoch);
    expect(pages.every((p) => !p.reset)).toBe(true);
    expect([first, ...pages].flatMap((p) => p.peers.map((x) => x.peerId))).toEqual(['p1', 'p2', 'p3']);
  });

  it('a member that fell behind the removals kept copies everything once, a page at a time, without starting over', () => {
    for (let i = 0; i < 6; i++) register(a, `p${i}`, [file(`file ${i}.txt`)]);
    const { next, pages: [page] } = pullAll(0);
    for (let i = 0; i < 3; i++) a.removePeer(`p${i}`);
    a.forgetOldRemovals(1); // the two oldest removals forgotten: a member at `next` is behind them
    const first = a.replicaPage(next, page!.epoch, 1, 100);
    expect(first.reset).toBe(true);
    const rest: FeedPage[] = [];
    for (let at = first.next, more = first.more; more && rest.length < 100;) {
      const p = a.replicaPage(at, page!.epoch, 1, 100, true);
      rest.push(p);
      at = p.next;
      more = p.more;
    }
    expect(rest.every((p) => !p.reset)).toBe(true);
    expect([first, ...rest].flatMap((p) => p.peers.map((x) => x.peerId))).toEqual(['p3', 'p4', 'p5']);
  });

  it('a peer registered again after its removal comes as a peer, not a removal', () => {
    register(a, 'p1', [file('first.txt')]);
    const next = pullAll(0).next;
    a.removePeer('p1');
    register(a, 'p1', [file('back again.txt')]);
    const pages = pullAll(next).pages;
    expect(pages.flatMap((p) => p.removed)).toEqual([]);
    expect(pages.flatMap((p) => p.peers.map((x) => x.files[0]!.name))).toEqual(['back again.txt']);
  });
});

describe('a member\u2019s copy', () => {
  it('is searched as the store\u2019s own peers are, and counted apart from them', () => {
    register(a, 'p1', [file('shared lighthouse.txt')]);
    register(b, 'own', [file('own lighthouse.txt')]);
    copy(0);
    expect(names(b, 'lighthouse')).toEqual(['own lighthouse.txt', 'shared lighthouse.txt']);
    expect(b.counts()).toMatchObject({ peersTotal: 1, peersOnline: 1, uniqueFiles: 2, availableFiles: 2 });
    expect(b.listPeers({ offset: 0, limit: 10 }).items.map((p) => p.peerId)).toEqual(['own']);
    expect(b.peersSilentSince(T0 + 10 ** 9)).toEqual(['own']); // the sweeper judges only its own
    expectCountsConsistent(b, dbs[1]!);
  });

  it('follows the member: new lists, going offline, removals; and a removal from another member changes nothing', () => {
    register(a, 'p1', [file('old chart.txt')]);
    register(a, 'p2', [file('other chart.txt')]);
    let next = copy(0);
    register(a, 'p1', [file('new chart.txt')]);
    a.markOffline(['p2']);
    next = copy(next);
    expect(names(b, 'chart')).toEqual(['new chart.txt']); // p2's file has no online source
    b.applyReplica('member-c', 1, { peers: [], removed: ['p1'] }, BOUNDS, T0);
    expect(names(b, 'chart')).toEqual(['new chart.txt']);
    a.removePeer('p1');
    copy(next);
    expect(names(b, 'chart')).toEqual([]);
    expectCountsConsistent(b, dbs[1]!);
  });

  it('never replaces a peer registered here, unless it registered with the member later (it moved there)', () => {
    register(b, 'p1', [file('mine.txt')], T0 + 10);
    const peer = { peerId: 'p1', name: 'p1', address: '10.0.0.2', port: 9002, status: 'online' as const, files: [file('theirs.txt')] };
    b.applyReplica(HOME, 1, { peers: [{ ...peer, registeredAt: T0 }], removed: [] }, BOUNDS, T0);
    expect(names(b, 'txt')).toEqual(['mine.txt']);
    expect(b.counts().peersTotal).toBe(1);
    // A registration the member dates in the future is taken as made now (T0, before the own one): it does not win.
    b.applyReplica(HOME, 1, { peers: [{ ...peer, registeredAt: T0 + 10 ** 9 }], removed: [] }, BOUNDS, T0);
    expect(names(b, 'txt')).toEqual(['mine.txt']);
    const before = b.replicaPage(0, undefined, 10, 100);
    b.applyReplica(HOME, 1, { peers: [{ ...peer, registeredAt: T0 + 20 }], removed: [] }, BOUNDS, T0 + 25);
    expect(names(b, 'txt')).toEqual(['theirs.txt']);
    expect(b.counts()).toMatchObject({ peersTotal: 0, peersOnline: 0 });
    expect(b.getPeerSession('p1')?.sessionHash).toBeNull(); // its session here is void: it must register again
    // B's own feed tells B's members the peer is no longer B's.
    expect(b.replicaPage(before.next, before.epoch, 10, 100).removed).toEqual(['p1']);
    // Registering here again makes it B's own once more.
    register(b, 'p1', [file('theirs.txt')], T0 + 30);
    expect(b.counts()).toMatchObject({ peersTotal: 1, peersOnline: 1 });
    expectCountsConsistent(b, dbs[1]!);
  });

  it('is bounded: peers per member, files per peer, files per member', () => {
    const peers = Array.from({ length: 5 }, (_, i) => ({
      peerId: `p${i}`, name: `p${i}`, address: '10.0.0.2', port: 9002, status: 'online' as const, registeredAt: T0,
      files: Array.from({ length: i === 1 ? 4 : 2 }, (_, j) => file(`bounded ${i} ${j}.txt`)),
    }));
    const result = b.applyReplica(HOME, 1, { peers, removed: [] }, { maxReplicas: 3, maxFiles: 3, maxMemberFiles: 5 }, T0);
    // p1 lists 4 files (one peer may list 3); p0 and p2 fit (4 files in all); p3 and p4 would make 6 (the member may have 5).
    expect(result.refused).toBe(3);
    expect(names(b, 'bounded').map((n) => n.split(' ')[1])).toEqual(['0', '0', '2', '2']);
  });

  it('goes by generation: what a full copy did not send again is dropped', () => {
    register(a, 'p1', [file('kept.txt')]);
    register(a, 'p2', [file('dropped.txt')]);
    copy(0, 1);
    a.removePeer('p2');
    // A new full copy (generation 2) sends only what A has now; the rest of generation 1 goes.
    for (const p of pullAll(0, 500, 'another epoch').pages) b.applyReplica(HOME, 2, p, BOUNDS, T0);
    expect(names(b, 'txt')).toEqual(['dropped.txt', 'kept.txt']);
    expect(b.dropReplicas(HOME, 2, 10).peers).toBe(1);
    expect(names(b, 'txt')).toEqual(['kept.txt']);
    expect(b.replicaHomes()).toEqual([HOME]);
    expect(b.dropReplicas(HOME, Infinity, 10).peers).toBe(1);
    expect(b.replicaHomes()).toEqual([]);
    expectCountsConsistent(b, dbs[1]!);
  });
});
