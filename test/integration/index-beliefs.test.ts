// What the index believes (issue 14; docs/security.md, "What the index believes"), against a real
// index, real honest nodes and fake peers that register, look up and report as the protocol
// allows. Before: 5 "corrupt" reports from a new identity took a victim from 50 to 0; 30
// "verified" reports took a fake peer to 100, and three fake sources blocked a file's downloads;
// a fake registrant's wrong size and name stayed for ever, and downloads of the real file waited.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractApi } from '../../src-shared/api/contract-client.js';
import { indexRoutes, type IndexedFile, type SearchResult } from '../../src-shared/api/index-routes.js';
import type { NodeCallError } from '../../src-main/core/net/contract-transport.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { signedRegistration, startAddressResponder, type AddressResponder } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

/** Plain HTTP: many hand-made registrations, each called back; TLS would only slow them (the call-back over TLS is tested in encryption.test.ts). */
const PLAIN = { enable_encryption: false };

const MiB = 1024 * 1024;
const MOVIE = randomContent(3 * MiB);
const SONG = randomContent(2 * MiB);
let index: TestNode;
let base: string;
let idx: ContractApi<typeof indexRoutes>;
let indexAddress: string;
const nodes: TestNode[] = [];
const fakes: FakePeer[] = [];

/** A registered identity with nothing behind it but the call-back's answer: it serves no file. */
interface FakePeer {
  id: string;
  token: string;
  responder: AddressResponder;
  lookup(fileId: string): Promise<SearchResult>;
  report(subject: string, fileId: string, outcome: 'verified' | 'corrupt', downloadId: string): Promise<{ counted: boolean; weight: number; effect: number; reason?: string }>;
  leave(): Promise<void>;
}

async function fakePeer(name: string, files: IndexedFile[]): Promise<FakePeer> {
  const responder = await startAddressResponder(NodeKey.generate());
  const { sessionToken } = await idx.register({ body: signedRegistration(responder.key, { name, port: responder.port, address: '127.0.0.1', files }, await idx.challenge()) });
  const session = typedClient(indexRoutes, base, sessionToken);
  const fake: FakePeer = {
    id: responder.id, token: sessionToken, responder,
    lookup: (fileId) => idx.getFile({ params: { fileId } }),
    report: (subject, fileId, outcome, downloadId) =>
      session.reportTransfer({ body: { peerId: responder.id, sourcePeerId: subject, fileId, outcome, bytes: MiB, downloadId } }),
    leave: async () => {
      await session.unregister({ body: { peerId: responder.id } });
      await responder.close();
    },
  };
  fakes.push(fake);
  return fake;
}

const peers = async () => (await idx.listPeers({ query: { pageSize: 200 } })).items;
const reputationOf = async (peerId: string) => (await peers()).find((p) => p.peerId === peerId)?.reputation ?? NaN;
/** The file as the index lists it; undefined when it refuses (404 once it is gone). */
const fileAtIndex = (fileId: string): Promise<SearchResult | undefined> => idx.getFile({ params: { fileId } }).catch((err: NodeCallError) => {
  if (err.status >= 400) return undefined;
  throw err;
});
const search = async (q: string) => (await idx.search({ query: { q, minSources: 0 } })).items;

async function sharing(files: Record<string, Buffer>): Promise<TestNode> {
  const node = await startTestNode({ security: PLAIN, peer: { super_peer_address: [indexAddress] } });
  nodes.push(node);
  for (const [name, data] of Object.entries(files)) await writeFile(join(node.sharedDir, name), data);
  return node;
}

beforeAll(async () => {
  // The default reporter_maturity (a day): every identity here is seconds old. Every peer here
  // comes from 127.0.0.1, so the per-address limits (index-limits.test.ts) are raised; fake peers
  // never heartbeat, so they stay online for the test's length.
  index = await startTestNode({ security: PLAIN, peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '5m', max_peers_per_address: 0, max_registrations_per_address: 0 } });
  nodes.push(index);
  const role = await index.client.getIndexRole();
  base = `http://127.0.0.1:${role.port}`;
  idx = typedClient(indexRoutes, base);
  indexAddress = `127.0.0.1:${role.port}`;
}, 30_000);

afterAll(async () => {
  await Promise.all(fakes.map((f) => f.responder.close()));
  await Promise.all(nodes.map((n) => n.destroy()));
});

describe('reputation', () => {
  let victim: TestNode;
  let claim: IndexedFile;

  beforeAll(async () => {
    victim = await sharing({ 'song.flac': SONG.data });
    const file = await pollUntil(async () => (await fileAtIndex(SONG.id))?.sourceCount === 1 && fileAtIndex(SONG.id), 'the song at the index', 20_000);
    claim = { id: SONG.id, name: file.name, size: file.size, mime: file.mime, category: file.category, tags: [], pieceSize: file.pieceSize };
  }, 30_000);

  it('5 "corrupt" reports from a new identity move the victim by less than 0.01 (it was 50 → 0)', async () => {
    const attacker = await fakePeer('grudge', []);
    const before = await reputationOf(victim.id);
    for (let i = 0; i < 5; i++) {
      await attacker.lookup(SONG.id); // the index sends it to the victim: the report is about a real referral
      const answer = await attacker.report(victim.id, SONG.id, 'corrupt', `download-${i}`);
      expect(answer.counted).toBe(true);
      expect(answer.weight).toBeLessThanOrEqual(0.001);
    }
    // Replays, and reports on peers the index never sent it to, count for nothing.
    expect((await attacker.report(victim.id, SONG.id, 'corrupt', 'download-0')).counted).toBe(false);
    expect((await attacker.report(victim.id, SONG.id, 'corrupt', 'never-looked-up')).counted).toBe(false);
    const after = await reputationOf(victim.id);
    expect(before - after).toBeLessThan(0.01); // heartbeats may add a little meanwhile
  });

  it('30 sybils reporting each other "verified" move none of them more than 0.05 (it was 50 → 100)', async () => {
    const ring: FakePeer[] = [];
    for (let i = 0; i < 30; i++) ring.push(await fakePeer(`sybil-${i}`, [claim]));
    for (const [i, reporter] of ring.entries()) {
      for (const step of [1, 2, 3]) {
        const subject = ring[(i + step) % ring.length]!;
        await reporter.lookup(SONG.id);
        expect((await reporter.report(subject.id, SONG.id, 'verified', `d-${step}`)).counted).toBe(true);
      }
    }
    // Everyone reports the first one too: 30 "verified" reports on one fake.
    for (const reporter of ring.slice(1)) {
      await reporter.lookup(SONG.id);
      await reporter.report(ring[0]!.id, SONG.id, 'verified', 'd-all');
    }
    const all = await peers();
    // Each gets at most 32 reports of +2 × age/day: identities under a minute old, < 0.05.
    for (const sybil of ring) expect(all.find((p) => p.peerId === sybil.id)?.reputation).toBeLessThan(50.05);
    // ... and three of them, fake sources that serve nothing, never block a real download.
    const downloader = await startTestNode({ security: PLAIN, peer: { super_peer_address: [indexAddress] } });
    nodes.push(downloader);
    await pollUntil(async () => (await downloader.client.getIndexConnection()).state === 'registered', 'the downloader registered');
    const listed = await fileAtIndex(SONG.id);
    expect(listed?.sourceCount).toBe(31);
    const started = await startDownload(downloader, { fileId: SONG.id });
    const done = await waitForDownload(downloader, started.id, 'completed', 30_000);
    expect((await readFile(done.path!)).equals(SONG.data)).toBe(true);
    expect(done.sources.filter((s) => s.bytes > 0).map((s) => s.peerId)).toEqual([victim.id]);
  }, 60_000);
});

describe('metadata', () => {
  it('a fake registrant\u2019s wrong size and name give way to the honest sources\u2019, go with it, and never stall a download', async () => {
    const movieName = 'Holiday in Lisbon (2019).mkv';
    // The fake comes first, with the real id, a wrong size and a bait name.
    const fake = await fakePeer('free movies', [{
      id: MOVIE.id, name: 'FREE-MOVIE-totally-legit.exe', size: 123_456_789, mime: 'application/x-msdownload', category: 'software', tags: ['free'], pieceSize: 262_144,
    }]);
    expect(await fileAtIndex(MOVIE.id)).toMatchObject({ name: 'FREE-MOVIE-totally-legit.exe', size: 123_456_789 });
    // Two honest peers share the real file.
    const first = await sharing({ [movieName]: MOVIE.data });
    const second = await sharing({ [movieName]: MOVIE.data });
    const shown = await pollUntil(async () => {
      const f = await fileAtIndex(MOVIE.id);
      return f && f.sources.length === 2 && f;
    }, 'both honest sources at the index', 20_000);
    expect(shown).toMatchObject({ name: movieName, size: MOVIE.data.length, category: 'video' });
    expect(shown.names).toEqual([movieName]); // the fake claims another size: another file, in effect
    expect(shown.sources.map((s) => s.peerId).sort()).toEqual([first.id, second.id].sort());
    const [hit] = await search('holiday lisbon');
    expect(hit).toMatchObject({ id: MOVIE.id, name: movieName, size: MOVIE.data.length });
    expect(await search('FREE-MOVIE')).toEqual([]);
    // A download of the real file finishes.
    const downloader = await startTestNode({ security: PLAIN, peer: { super_peer_address: [indexAddress] } });
    nodes.push(downloader);
    await pollUntil(async () => (await downloader.client.getIndexConnection()).state === 'registered', 'the downloader registered');
    const started = await startDownload(downloader, { fileId: MOVIE.id });
    const done = await waitForDownload(downloader, started.id, 'completed', 30_000);
    expect(done.name).toBe(movieName);
    expect((await readFile(done.path!)).equals(MOVIE.data)).toBe(true);

    // The fake leaves: nothing of it remains.
    await fake.leave();
    const after = await fileAtIndex(MOVIE.id);
    expect(JSON.stringify(after)).not.toMatch(/FREE-MOVIE|123456789|x-msdownload|software/);
    // The honest sources leave too (for good): the entry goes with the last of them.
    await unlink(join(first.sharedDir, movieName));
    await unlink(join(second.sharedDir, movieName));
    await unlink(done.path!); // the finished download had joined the downloader's library
    await pollUntil(async () => (await fileAtIndex(MOVIE.id)) === undefined, 'the movie gone from the index with its last source', 20_000);
  }, 90_000);

  it('one honest source against one fake: its piece list proves the size, and the download finishes', async () => {
    const content = randomContent(2 * MiB);
    await fakePeer('liar', [{ id: content.id, name: 'setup.exe', size: 2 * MiB + 7 * 262_144, mime: 'application/x-msdownload', category: 'software', tags: [], pieceSize: 262_144 }]);
    await sharing({ 'lecture.mp4': content.data });
    // One claim each: the index asks a source of each size for its piece list; only the honest one proves.
    const settled = await pollUntil(async () => {
      const f = await fileAtIndex(content.id);
      return f?.size === content.data.length && f;
    }, 'the proven size shown', 20_000);
    expect(settled).toMatchObject({ name: 'lecture.mp4', category: 'video', sourceCount: 1 });
    const downloader = await startTestNode({ security: PLAIN, peer: { super_peer_address: [indexAddress] } });
    nodes.push(downloader);
    await pollUntil(async () => (await downloader.client.getIndexConnection()).state === 'registered', 'the downloader registered');
    const done = await waitForDownload(downloader, (await startDownload(downloader, { fileId: content.id })).id, 'completed', 30_000);
    expect((await readFile(done.path!)).equals(content.data)).toBe(true);
  }, 60_000);

  it('the name most sources give is shown first, whoever registered first', async () => {
    const content = randomContent(300 * 1024);
    const odd = await fakePeer('odd namer', [{ id: content.id, name: 'zzz-first.bin', size: content.data.length, mime: 'application/octet-stream', category: 'other', tags: [], pieceSize: 262_144 }]);
    expect((await fileAtIndex(content.id))?.name).toBe('zzz-first.bin');
    await sharing({ 'report-final.pdf': content.data });
    await sharing({ 'report-final.pdf': content.data });
    await pollUntil(async () => (await fileAtIndex(content.id))?.sourceCount === 3, 'three sources', 20_000);
    expect(await fileAtIndex(content.id)).toMatchObject({ name: 'report-final.pdf', names: ['report-final.pdf', 'zzz-first.bin'] });
    await odd.leave();
    expect(await fileAtIndex(content.id)).toMatchObject({ names: ['report-final.pdf'], sourceCount: 2 });
  }, 40_000);
});
