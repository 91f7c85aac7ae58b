import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Category } from '../../src-shared/api/common.js';
import { searchQuerySchema, type IndexedFile } from '../../src-shared/api/index-routes.js';
import { IndexStore } from '../../src-main/core/index/index-store.js';
import { tagToken } from '../../src-main/core/index/store/fts-tokens.js';
import { MAX_RESULT_DEPTH, RANK_WINDOW } from '../../src-main/core/index/store/index-search.js';
import { MAX_REPORT_ROWS } from '../../src-main/core/index/store/peer-reputation.js';
import { quickRelevance } from '../../src-main/core/index/store/quick-relevance.js';
import { sourceScore, sourceScoreSql } from '../../src-main/core/index/source-ranking.js';
import { openDatabase, type Db } from '../../src-main/core/store/database.js';
import { expectCountsConsistent } from '../support/index-store-counts.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sha256 } from '../support/sha256.js';

const MiB = 1024 * 1024;

function file(name: string, options: { size?: number; category?: Category; tags?: string[]; key?: string } = {}): IndexedFile {
  const ext = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '';
  const category = options.category ?? 'other';
  return {
    id: sha256(options.key ?? name), name, size: options.size ?? 1000, mime: 'application/octet-stream', category,
    tags: options.tags ?? [ext, category].filter(Boolean), pieceSize: 256 * 1024,
  };
}

const q = (query: Record<string, unknown>) => searchQuerySchema.parse(query);

let dir: { path: string; remove(): Promise<void> };
let db: Db;
let store: IndexStore;
const T0 = 1_700_000_000_000;

function register(peerId: string, files: IndexedFile[], extra: Partial<{ address: string; port: number; now: number }> = {}) {
  return store.registerPeer({
    peerId, name: `name of ${peerId}`, address: extra.address ?? '10.0.0.1', port: extra.port ?? 9001, sessionHash: `hash-${peerId}`,
    now: extra.now ?? T0, files,
  });
}

const names = (query: Record<string, unknown>) => store.search(q(query)).items.map((r) => r.name);
const expectTotalsConsistent = () => expectCountsConsistent(store, db);

beforeEach(async () => {
  dir = await makeTempDir();
  db = openDatabase(join(dir.path, 'shoal.db'));
  store = new IndexStore(db);
});

afterEach(async () => {
  db.close();
  await dir.remove();
});

const LIBRARY = [
  file('MyHolidayVideo_2024.mp4', { size: 700 * MiB, category: 'video', tags: ['mp4', 'video', 'holiday'] }),
  file('Show.Name.S02E05.1080p.WEB-DL.mkv', { size: 1500 * MiB, category: 'video' }),
  file('Show.Name.S02E06.1080p.WEB-DL.mkv', { size: 1400 * MiB, category: 'video' }),
  file('Artist - Album - 03 - Title.flac', { size: 30 * MiB, category: 'audio', tags: ['flac', 'audio', 'jazz'] }),
  file('IMG_20240612_183012.jpg', { size: 3 * MiB, category: 'image', tags: ['jpg', 'image', 'holiday'] }),
  file('Annual Report 2023.pdf', { size: 2 * MiB, category: 'document' }),
  file('setup-app-2.4.1-x64.exe', { size: 90 * MiB, category: 'software', tags: ['exe', 'software', 'c++'] }),
  file('HttpRequestHandler.java', { size: 4000, category: 'code' }),
  file('Café del Mar - Señorita.mp3', { size: 8 * MiB, category: 'audio' }),
  file('Holiday trailer.mp4', { size: 50 * MiB, category: 'video' }),
];

describe('IndexStore: registration and search', () => {
  it('lets registrations fill the WAL past 1,000 pages before copying them back (each page once per 10,000, not every few registrations)', () => {
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    for (let p = 0; p < 60; p++) register(`wal-peer-${p}`, Array.from({ length: 100 }, (_, k) => file(`peer ${p} song ${k}.mp3`, { key: `wal-${p}-${k}` })));
    const framesInWal = (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    expect(framesInWal).toBeGreaterThan(1000); // SQLite's default would have copied them back by now
  });

  beforeEach(() => {
    register('peer-aaaa-1', LIBRARY);
  });

  it('registers a peer with its files and reports every file as new', () => {
    const peer = store.getPeer('peer-aaaa-1');
    expect(peer).toMatchObject({ peerId: 'peer-aaaa-1', status: 'online', fileCount: LIBRARY.length, reputation: 50, url: 'http://10.0.0.1:9001' });
    expect(store.counts()).toMatchObject({ peersOnline: 1, peersTotal: 1, uniqueFiles: LIBRARY.length, availableFiles: LIBRARY.length });
    expectTotalsConsistent();
  });

  it('finds names split on spaces, dots, dashes, underscores and camelCase', () => {
    for (const word of ['holiday', 'video', '2024', 'mp4', 'myholidayvideo', 'MyHolidayVideo', 'HolidayVideo', 'holi']) {
      expect(names({ q: word })).toContain('MyHolidayVideo_2024.mp4');
    }
    expect(names({ q: 's02e05' })).toEqual(['Show.Name.S02E05.1080p.WEB-DL.mkv']);
    expect(names({ q: 'request handler' })).toEqual(['HttpRequestHandler.java']);
    expect(names({ q: 'x64' })).toEqual(['setup-app-2.4.1-x64.exe']);
  });

  it('folds case and diacritics', () => {
    expect(names({ q: 'cafe senorita' })).toEqual(['Café del Mar - Señorita.mp3']);
    expect(names({ q: 'CAFÉ' })).toEqual(['Café del Mar - Señorita.mp3']);
  });

  it('requires every word, and the last one is a prefix', () => {
    expect(names({ q: 'show name s02e0' }).sort()).toEqual(['Show.Name.S02E05.1080p.WEB-DL.mkv', 'Show.Name.S02E06.1080p.WEB-DL.mkv']);
    expect(names({ q: 'show annual' })).toEqual([]);
  });

  it('supports phrases, exclusions and OR', () => {
    expect(names({ q: '"annual report"' })).toEqual(['Annual Report 2023.pdf']);
    expect(names({ q: '"report annual"' })).toEqual([]);
    expect(names({ q: 'holiday -trailer' }).sort()).toEqual(['IMG_20240612_183012.jpg', 'MyHolidayVideo_2024.mp4']);
    expect(names({ q: 'flac OR pdf' }).sort()).toEqual(['Annual Report 2023.pdf', 'Artist - Album - 03 - Title.flac']);
    expect(names({ q: '-mkv -mp4 -jpg -flac -pdf -exe -java' })).toEqual(['Café del Mar - Señorita.mp3']);
  });

  it('matches tags as words, and the automatic category and extension chips too (issue 16)', () => {
    expect(names({ q: 'jazz' })).toEqual(['Artist - Album - 03 - Title.flac']);
    expect(names({ q: 'audio' }).sort()).toEqual(['Artist - Album - 03 - Title.flac', 'Café del Mar - Señorita.mp3']);
    expect(names({ q: 'flac ' })).toEqual(['Artist - Album - 03 - Title.flac']);
    expect(names({ q: 'jazz -audio' })).toEqual([]);
    // A chip is matched whole: a prefix of one is not a category.
    expect(names({ q: 'audi ' })).toEqual([]);
  });

  it('filters by category, extension, size and tag', () => {
    expect(names({ q: 'holiday', category: 'image' })).toEqual(['IMG_20240612_183012.jpg']);
    expect(names({ category: 'audio' }).sort()).toEqual(['Artist - Album - 03 - Title.flac', 'Café del Mar - Señorita.mp3']);
    expect(names({ ext: 'MKV' }).length).toBe(2);
    expect(names({ q: 'holiday', ext: 'mp4' }).sort()).toEqual(['Holiday trailer.mp4', 'MyHolidayVideo_2024.mp4']);
    expect(names({ minSize: 1000 * MiB }).sort()).toEqual(['Show.Name.S02E05.1080p.WEB-DL.mkv', 'Show.Name.S02E06.1080p.WEB-DL.mkv']);
    expect(names({ q: 'show', maxSize: 1450 * MiB })).toEqual(['Show.Name.S02E06.1080p.WEB-DL.mkv']);
    expect(names({ minSize: 2 * MiB, maxSize: 3 * MiB }).sort()).toEqual(['Annual Report 2023.pdf', 'IMG_20240612_183012.jpg']);
    expect(names({ q: 'show', minSize: 1400 * MiB, maxSize: 1450 * MiB })).toEqual(['Show.Name.S02E06.1080p.WEB-DL.mkv']);
    expect(names({ q: 'holiday', minSize: 1, maxSize: 60 * MiB }).sort()).toEqual(['Holiday trailer.mp4', 'IMG_20240612_183012.jpg']);
    expect(names({ q: 'show', minSize: 2 * MiB, maxSize: MiB })).toEqual([]);
    expect(names({ minSize: 2 * MiB, maxSize: MiB })).toEqual([]);
    expect(names({ tag: 'holiday' }).sort()).toEqual(['IMG_20240612_183012.jpg', 'MyHolidayVideo_2024.mp4']);
    expect(names({ tag: 'c++' })).toEqual(['setup-app-2.4.1-x64.exe']);
    expect(names({ tag: 'jazz', category: 'video' })).toEqual([]);
  });

  it('sorts by size, newest and sources, either way', () => {
    expect(names({ q: 'show', sort: 'size' })).toEqual(['Show.Name.S02E05.1080p.WEB-DL.mkv', 'Show.Name.S02E06.1080p.WEB-DL.mkv']);
    expect(names({ q: 'show', sort: 'size', order: 'asc' })).toEqual(['Show.Name.S02E06.1080p.WEB-DL.mkv', 'Show.Name.S02E05.1080p.WEB-DL.mkv']);
    expect(names({ sort: 'size' })[0]).toBe('Show.Name.S02E05.1080p.WEB-DL.mkv');
    expect(names({ sort: 'size', order: 'asc' })[0]).toBe('HttpRequestHandler.java');
    expect(names({ sort: 'newest' })[0]).toBe('Holiday trailer.mp4');
    expect(names({ sort: 'newest', order: 'asc' })[0]).toBe('MyHolidayVideo_2024.mp4');
    expect(names({ q: 'holiday', sort: 'newest' })[0]).toBe('Holiday trailer.mp4');
    expect(names({ q: 'holiday', sort: 'newest', order: 'asc' })[0]).toBe('MyHolidayVideo_2024.mp4');
    expect(names({ category: 'video', order: 'asc' })[0]).toBe('MyHolidayVideo_2024.mp4');
    expect(names({ q: 'holiday', order: 'asc' }).at(-1)).toBe(names({ q: 'holiday' })[0]);
    register('peer-bbbb-2', [LIBRARY[5] as IndexedFile]);
    expect(names({ sort: 'sources' })[0]).toBe('Annual Report 2023.pdf');
    expect(names({ q: 'report OR holiday', sort: 'sources' })[0]).toBe('Annual Report 2023.pdf');
    expect(names({ q: 'report OR holiday', sort: 'sources', order: 'asc' }).at(-1)).toBe('Annual Report 2023.pdf');
  });

  it('ranks by relevance: a name that is mostly the query first', () => {
    register('peer-bbbb-2', [file('Holiday.mp4', { category: 'video' }), file('Holiday at the seaside with the whole family and friends 2019.mp4', { category: 'video' })]);
    expect(names({ q: 'holiday ' })[0]).toBe('Holiday.mp4');
  });

  it('never fails on hostile input', () => {
    for (const text of ['"', '-', 'OR', 'NEAR(a', 'a:b', '*', '^x', '(a', '"a" OR', '\u0000', '🦈', 'x'.repeat(200)]) {
      expect(() => store.search(q({ q: text }))).not.toThrow();
    }
  });

  it('browses every file with minSources 0, newest first', () => {
    const listed = store.listFiles({ offset: 0, limit: 3 });
    expect(listed).toMatchObject({ total: LIBRARY.length, page: 1, pageSize: 3, totalIsEstimate: false });
    expect(listed.items.map((r) => r.name)).toEqual(['Holiday trailer.mp4', 'Café del Mar - Señorita.mp3', 'HttpRequestHandler.java']);
    expect(store.listFiles({ offset: 3, limit: 3 }).items[0]?.name).toBe('setup-app-2.4.1-x64.exe');
  });

  it('returns a complete result', () => {
    const [result] = store.search(q({ q: 'annual' })).items;
    expect(result).toMatchObject({
      id: sha256('Annual Report 2023.pdf'), name: 'Annual Report 2023.pdf', names: ['Annual Report 2023.pdf'], size: 2 * MiB,
      category: 'document', tags: ['pdf', 'document'], pieceSize: 256 * 1024, sourceCount: 1,
      sources: [{ peerId: 'peer-aaaa-1', name: 'name of peer-aaaa-1', url: `http://10.0.0.1:9001/api/v1/download/${sha256('Annual Report 2023.pdf')}`, reputation: 50, activeUploads: 0, freeUploadSlots: 0 }],
    });
    expect(result?.firstSeen).toBe(new Date(T0).toISOString());
    expect(store.search(q({ q: 'annual' })).tookMs).toBeGreaterThanOrEqual(0);
  });
});

describe('IndexStore: several peers', () => {
  const shared = file('Big.Buck.Bunny.2008.1080p.mkv', { size: 900 * MiB, category: 'video', key: 'bunny' });
  const renamed = { ...shared, name: 'bunny_copy.mkv', tags: ['mkv', 'video', 'animation'] };

  it('groups a file held by two peers into one result, with both sources and every name', () => {
    register('peer-aaaa-1', [shared]);
    register('peer-bbbb-2', [renamed], { address: 'fd00::2', port: 9002 });
    const res = store.search(q({ q: 'bunny' }));
    expect(res.total).toBe(1);
    const [r] = res.items;
    expect(r?.names).toEqual(['Big.Buck.Bunny.2008.1080p.mkv', 'bunny_copy.mkv']);
    expect(r?.tags).toEqual(['mkv', 'video', 'animation']);
    expect(r?.sourceCount).toBe(2);
    expect(r?.sources.map((s) => s.peerId).sort()).toEqual(['peer-aaaa-1', 'peer-bbbb-2']);
    expect(r?.sources.find((s) => s.peerId === 'peer-bbbb-2')?.url).toBe(`http://[fd00::2]:9002/api/v1/download/${shared.id}`);
    // Both names are searchable, and the second peer's tag.
    expect(names({ q: 'copy' })).toEqual(['Big.Buck.Bunny.2008.1080p.mkv']);
    expect(names({ q: 'animation' })).toEqual(['Big.Buck.Bunny.2008.1080p.mkv']);
    expect(names({ tag: 'animation' })).toEqual(['Big.Buck.Bunny.2008.1080p.mkv']);
    // The second peer leaves: its name and tag go with it.
    expect(store.removePeerFiles('peer-bbbb-2', [shared.id])).toEqual([]);
    expect(names({ q: 'copy' })).toEqual([]);
    expect(names({ tag: 'animation' })).toEqual([]);
    expect(store.search(q({ q: 'bunny' })).items[0]?.names).toEqual(['Big.Buck.Bunny.2008.1080p.mkv']);
    expectTotalsConsistent();
  });

  it("drops an offline peer's files from results (minSources) and brings them back on its heartbeat", () => {
    register('peer-aaaa-1', [shared, file('only-on-a.txt')]);
    register('peer-bbbb-2', [shared, file('only-on-b.txt')]);
    expect(store.markOffline(['peer-bbbb-2', 'nobody-here'])).toEqual(['peer-bbbb-2']);
    expect(store.markOffline(['peer-bbbb-2'])).toEqual([]);
    expect(names({ q: 'only' })).toEqual(['only-on-a.txt']);
    expect(names({ q: 'only', minSources: 0 }).sort()).toEqual(['only-on-a.txt', 'only-on-b.txt']);
    expect(store.search(q({ q: 'bunny' })).items[0]?.sources.map((s) => s.peerId)).toEqual(['peer-aaaa-1']);
    expect(names({ q: 'bunny', minSources: 2 })).toEqual([]);
    expect(store.counts()).toMatchObject({ peersOnline: 1, peersTotal: 2, uniqueFiles: 3, availableFiles: 2 });
    expectTotalsConsistent();
    expect(store.touchPeer('peer-bbbb-2', T0 + 1000, { activeUploads: 1, freeUploadSlots: 3 })).toBe(true);
    expect(names({ q: 'only' }).sort()).toEqual(['only-on-a.txt', 'only-on-b.txt']);
    expect(names({ q: 'bunny', minSources: 2 })).toEqual(['Big.Buck.Bunny.2008.1080p.mkv']);
    expect(store.getPeer('peer-bbbb-2')).toMatchObject({ status: 'online', activeUploads: 1, freeUploadSlots: 3, lastSeen: new Date(T0 + 1000).toISOString() });
    expectTotalsConsistent();
    expect(store.touchPeer('nobody-here', T0)).toBe(false);
  });

  it('adds and removes files idempotently, telling what is new to the index and what left it', () => {
    register('peer-aaaa-1', []);
    register('peer-bbbb-2', [shared]);
    const a = file('a.txt');
    expect(store.addPeerFiles('peer-aaaa-1', [a, shared])).toEqual([a.id]);
    expect(store.addPeerFiles('peer-aaaa-1', [a, shared])).toEqual([]);
    expect(store.getPeer('peer-aaaa-1')?.fileCount).toBe(2);
    expect(store.search(q({ q: 'bunny' })).items[0]?.sourceCount).toBe(2);
    expect(store.removePeerFiles('peer-aaaa-1', [a.id, shared.id, sha256('never registered')])).toEqual([a.id]);
    expect(store.removePeerFiles('peer-aaaa-1', [a.id, shared.id])).toEqual([]);
    expect(store.hasFile(a.id)).toBe(false);
    expect(store.hasFile(shared.id)).toBe(true);
    expect(store.search(q({ q: 'bunny' })).items[0]?.sourceCount).toBe(1);
    expect(store.getPeer('peer-aaaa-1')?.fileCount).toBe(0);
    expect(store.addPeerFiles('unknown-peer', [a])).toEqual([]);
    expectTotalsConsistent();
  });

  it('replaces the file list on re-registration and keeps the reputation', () => {
    const a = file('a.txt');
    const b = file('b.txt');
    expect(register('peer-aaaa-1', [a, shared]).added.sort()).toEqual([a.id, shared.id].sort());
    register('peer-bbbb-2', [shared]);
    store.adjustReputation('peer-aaaa-1', 12);
    const again = register('peer-aaaa-1', [b, shared]);
    expect(again.added).toEqual([b.id]);
    expect(again.removed).toEqual([a.id]);
    expect(store.getPeer('peer-aaaa-1')).toMatchObject({ reputation: 62, fileCount: 2 });
    // A peer that was offline is online again with its new list.
    store.markOffline(['peer-aaaa-1'], { forgetSession: true });
    expect(store.getPeerSession('peer-aaaa-1')).toEqual({ sessionHash: null, status: 'offline' });
    const third = register('peer-aaaa-1', [b, shared]);
    expect(third).toMatchObject({ added: [], removed: [] });
    expect(store.getPeerSession('peer-aaaa-1')).toEqual({ sessionHash: 'hash-peer-aaaa-1', status: 'online' });
    expect(store.search(q({ q: 'bunny' })).items[0]?.sourceCount).toBe(2);
    expectTotalsConsistent();
  });

  it('a registration that lists a file twice, changes one or changes nothing keeps every count a recount finds (issue 15)', () => {
    const a = file('a.txt');
    const b = file('b.txt', { tags: ['txt', 'one'] });
    register('peer-bbbb-2', [shared]);
    // Listed twice in one registration: one location, the later claim kept, one more source.
    expect(register('peer-aaaa-1', [shared, a, { ...shared, name: 'Bunny twice.mkv' }]).added).toEqual([a.id]);
    expect(store.getPeer('peer-aaaa-1')?.fileCount).toBe(2);
    expect(store.getFile(shared.id)?.sourceCount).toBe(2);
    expect(store.getFile(shared.id)?.names).toContain('Bunny twice.mkv');
    expectTotalsConsistent();
    // Nothing changed: nothing new, nothing gone, the same counts.
    expect(register('peer-aaaa-1', [shared, a, { ...shared, name: 'Bunny twice.mkv' }])).toMatchObject({ added: [], removed: [] });
    expect(store.getFile(shared.id)?.sourceCount).toBe(2);
    expect(store.getPeer('peer-aaaa-1')?.fileCount).toBe(2);
    // One file's tags change, one file comes, one goes.
    register('peer-aaaa-1', [{ ...shared, name: 'Bunny twice.mkv', tags: ['mkv', 'video', 'animation'] }, b]);
    expect(store.getFile(shared.id)?.tags).toContain('animation');
    expect(store.getFile(shared.id)?.sourceCount).toBe(2);
    expect(store.hasFile(a.id)).toBe(false);
    expect(store.getPeer('peer-aaaa-1')?.fileCount).toBe(2);
    expectTotalsConsistent();
    // The peer counts follow registrations, status changes and removals.
    expect(store.counts()).toMatchObject({ peersOnline: 2, peersTotal: 2 });
    store.markOffline(['peer-bbbb-2']);
    expect(store.counts()).toMatchObject({ peersOnline: 1, peersTotal: 2 });
    expect(store.getFile(shared.id)?.sourceCount).toBe(1);
    store.removePeer('peer-aaaa-1');
    expect(store.counts()).toMatchObject({ peersOnline: 0, peersTotal: 1 });
    expectTotalsConsistent();
  });

  it('updates a name when a peer renames its copy', () => {
    register('peer-aaaa-1', [shared]);
    store.addPeerFiles('peer-aaaa-1', [{ ...shared, name: 'Bunny renamed.mkv' }]);
    expect(store.search(q({ q: 'renamed' })).items[0]?.names).toEqual(['Bunny renamed.mkv']);
    expect(names({ q: 'buck' })).toEqual([]);
  });

  it('orders sources by reputation, load and recent failures', () => {
    const peers = ['peer-aaaa-1', 'peer-bbbb-2', 'peer-cccc-3', 'peer-dddd-4'];
    for (const p of peers) register(p, [shared]);
    const order = () => store.sourcesOf(shared.id).map((s) => s.peerId);
    expect(order()).toEqual(peers); // equal scores: registration order
    store.adjustReputation('peer-cccc-3', 20);
    expect(order()[0]).toBe('peer-cccc-3');
    store.touchPeer('peer-dddd-4', T0, { freeUploadSlots: 4, activeUploads: 0 }); // +32
    expect(order()[0]).toBe('peer-dddd-4');
    store.touchPeer('peer-dddd-4', T0, { freeUploadSlots: 0, activeUploads: 10 }); // -40
    expect(order().at(-1)).toBe('peer-dddd-4');
    store.adjustReputation('peer-cccc-3', -3, { failure: true });
    store.adjustReputation('peer-cccc-3', -3, { failure: true }); // 64 - 20 = 44
    expect(order()).toEqual(['peer-aaaa-1', 'peer-bbbb-2', 'peer-cccc-3', 'peer-dddd-4']);
    expect(store.sourcesOf(shared.id, 1).map((s) => s.peerId)).toEqual(['peer-aaaa-1']);
    expect(store.search(q({ q: 'bunny' })).items[0]?.sources.map((s) => s.peerId)).toEqual(order());
    store.markOffline(['peer-aaaa-1']);
    expect(order()[0]).toBe('peer-bbbb-2');
    expect(store.sourcesOf(sha256('unknown'))).toEqual([]);
  });

  it('bounds reputations, and lets them and failures decay toward neutral', () => {
    register('peer-aaaa-1', [shared]);
    store.adjustReputation('peer-aaaa-1', 500);
    expect(store.getPeer('peer-aaaa-1')?.reputation).toBe(100);
    store.adjustReputation('peer-aaaa-1', -500);
    expect(store.getPeer('peer-aaaa-1')?.reputation).toBe(0);
    store.decayReputations(T0);
    store.decayReputations(T0 + 30_000); // too soon
    expect(store.getPeer('peer-aaaa-1')?.reputation).toBe(0);
    store.decayReputations(T0 + 10 * 3_600_000);
    const after = store.getPeer('peer-aaaa-1')?.reputation ?? 0;
    expect(after).toBeGreaterThan(15);
    expect(after).toBeLessThan(50);
  });
});

describe('IndexStore: peer health', () => {
  it('finds silent peers, and removes long-offline ones with their files', () => {
    register('peer-aaaa-1', [file('a.txt'), file('both.txt')], { now: T0 });
    register('peer-bbbb-2', [file('both.txt')], { now: T0 + 50_000 });
    expect(store.peersSilentSince(T0 + 10_000)).toEqual(['peer-aaaa-1']);
    store.markOffline(store.peersSilentSince(T0 + 10_000));
    expect(store.peersSilentSince(T0 + 10_000)).toEqual([]);
    expect(store.removePeersOfflineSince(T0 - 1)).toEqual([]);
    expect(store.removePeersOfflineSince(T0 + 10_000)).toEqual([{ peerId: 'peer-aaaa-1', removedFileIds: [sha256('a.txt')] }]);
    expect(store.getPeer('peer-aaaa-1')).toBeUndefined();
    expect(store.hasFile(sha256('both.txt'))).toBe(true);
    expect(store.removePeer('peer-bbbb-2')).toEqual([sha256('both.txt')]);
    expect(store.removePeer('peer-bbbb-2')).toBeUndefined();
    expect(store.counts()).toEqual({ peersOnline: 0, peersTotal: 0, uniqueFiles: 0, availableFiles: 0, availableBytes: 0 });
    expectTotalsConsistent();
  });

  it('marks everyone offline and forgets sessions when the index starts again', async () => {
    register('peer-aaaa-1', [file('a.txt', { size: 10 })]);
    register('peer-bbbb-2', [file('b.txt', { size: 20 })]);
    expect(store.counts().availableBytes).toBe(30);
    store.forgetSessions();
    await store.markAllOffline(1); // one file a chunk: several chunks
    expect(store.getPeerSession('peer-aaaa-1')).toEqual({ sessionHash: null, status: 'offline' });
    expect(store.counts()).toMatchObject({ peersOnline: 0, availableFiles: 0, availableBytes: 0, uniqueFiles: 2 });
    expect(names({})).toEqual([]);
    expectTotalsConsistent();
    store.touchPeer('peer-bbbb-2', T0);
    expect(names({})).toEqual(['b.txt']);
    expect(store.counts().availableBytes).toBe(20);
  });

  it('writes buffered heartbeats in one go, and a late one never brings an offline peer back', () => {
    register('peer-aaaa-1', [file('a.txt')], { now: T0 });
    register('peer-bbbb-2', [file('b.txt')], { now: T0 });
    store.markOffline(['peer-bbbb-2']);
    const beat = { now: T0 + 5_000, activeUploads: 2, freeUploadSlots: 3, reputationDelta: 1 };
    store.touchOnlinePeers([['peer-aaaa-1', beat], ['peer-bbbb-2', beat], ['peer-zzzz-9', beat]]);
    expect(store.getPeer('peer-aaaa-1')).toMatchObject({ status: 'online', activeUploads: 2, freeUploadSlots: 3, lastSeen: new Date(T0 + 5_000).toISOString() });
    expect(store.getPeer('peer-bbbb-2')).toMatchObject({ status: 'offline', lastSeen: new Date(T0).toISOString() });
    expect(store.peersSilentSince(T0 + 1_000)).toEqual([]);
    expectTotalsConsistent();
  });

  it('lists peers, online first, with a status filter', () => {
    register('peer-aaaa-1', []);
    register('peer-bbbb-2', []);
    register('peer-cccc-3', []);
    store.markOffline(['peer-aaaa-1']);
    expect(store.listPeers({ offset: 0, limit: 10 }).items.map((p) => p.peerId)).toEqual(['peer-bbbb-2', 'peer-cccc-3', 'peer-aaaa-1']);
    expect(store.listPeers({ offset: 0, limit: 10, status: 'offline' })).toMatchObject({ total: 1, items: [{ peerId: 'peer-aaaa-1' }] });
    expect(store.listPeers({ offset: 1, limit: 1 })).toMatchObject({ total: 3, items: [{ peerId: 'peer-cccc-3' }] });
  });
});

describe('IndexStore: big result sets', () => {
  const COUNT = RANK_WINDOW * 2 + 300;
  const nameOf = (i: number) => `common word ${String(i).padStart(5, '0')}${i % 3 === 0 ? ' special' : ''}.txt`;
  beforeEach(() => {
    const files = Array.from({ length: COUNT }, (_, i) => file(nameOf(i), { size: i }));
    register('peer-aaaa-1', files.slice(0, 2000));
    register('peer-bbbb-2', files.slice(2000));
  });

  it('caps pages at 200 and pages through every file without repeats', () => {
    const first = store.search({ ...q({ q: 'common' }), pageSize: 500 });
    expect(first.pageSize).toBe(200);
    expect(first.items).toHaveLength(200);
    const seen = new Set<string>();
    for (let page = 1; page <= Math.ceil(COUNT / 200); page++) {
      for (const r of store.search(q({ q: 'common', page, pageSize: 200 })).items) seen.add(r.id);
    }
    expect(seen.size).toBe(COUNT);
    expect(store.search(q({ q: 'common', page: 100, pageSize: 200 })).items).toEqual([]);
    // Past MAX_RESULT_DEPTH: no items, but the total.
    expect(MAX_RESULT_DEPTH).toBe(10_000);
    expect(store.search(q({ q: 'common', page: 51, pageSize: 200 }))).toMatchObject({ items: [], page: 51, total: COUNT });
    expect(store.search(q({ page: 100_000, pageSize: 200 }))).toMatchObject({ items: [], total: COUNT });
  });

  it('estimates the total of a broad query and counts a narrow one exactly', () => {
    const broad = store.search(q({ q: 'common' }));
    expect(broad.totalIsEstimate).toBe(true);
    expect(broad.total).toBeGreaterThan(RANK_WINDOW);
    expect(Math.abs(broad.total - COUNT) / COUNT).toBeLessThan(0.2);
    const narrow = store.search(q({ q: 'common 00042' }));
    expect(narrow).toMatchObject({ total: 1, totalIsEstimate: false });
    const newest = store.search(q({ q: 'common', sort: 'newest' }));
    expect(newest.items[0]?.name).toBe(nameOf(COUNT - 1));
    expect(store.search(q({ q: 'special', sort: 'size' }))).toMatchObject({ total: Math.ceil(COUNT / 3), totalIsEstimate: false });
    // All hits known but more than a window: exact total, windowed ranking.
    expect(store.search(q({ q: 'common', page: 7, pageSize: 200 }))).toMatchObject({ total: COUNT, totalIsEstimate: false });
    expect(store.search(q({ minSize: 5 }))).toMatchObject({ total: COUNT - 5, totalIsEstimate: false });
  });

  it('sorts a narrow query exactly, across all its hits', () => {
    const bySize = store.search(q({ q: 'special', sort: 'size', pageSize: 5, maxSize: 1200 }));
    expect(bySize.items.map((r) => r.size)).toEqual([1200, 1197, 1194, 1191, 1188]);
    expect(bySize).toMatchObject({ total: 401, totalIsEstimate: false });
  });
});

describe('IndexStore: peer sessions, answered from memory (peer-session-cache.ts)', () => {
  // After every write of a peer's status or session, getPeerSession must still say what index_peers says.
  const session = (peerId: string, sessionHash: string, now = T0) =>
    store.registerPeer({ peerId, name: peerId, address: '10.0.0.1', port: 9001, sessionHash, now, files: [] });
  /** What the table says, read past the cache. */
  const fromTable = (peerId: string) => {
    const row = db.prepare('SELECT session_hash, status FROM index_peers WHERE peer_id = ?').get(peerId) as { session_hash: string | null; status: string } | undefined;
    return row && { sessionHash: row.session_hash, status: row.status };
  };
  const expectTrue = (peerId: string) => expect(store.getPeerSession(peerId)).toEqual(fromTable(peerId));

  it('follows every write of a status or a session', async () => {
    expect(store.getPeerSession('a')).toBeUndefined();
    session('a', 'h1');
    session('b', 'h2');
    expectTrue('a');
    expect(store.getPeerSession('a')).toEqual({ sessionHash: 'h1', status: 'online' });

    session('a', 'h3'); // a new session
    expect(store.getPeerSession('a')).toEqual({ sessionHash: 'h3', status: 'online' });

    store.markOffline(['a']); // silent
    expect(store.getPeerSession('a')).toEqual({ sessionHash: 'h3', status: 'offline' });
    store.touchPeer('a', T0 + 1); // back online
    expect(store.getPeerSession('a')).toEqual({ sessionHash: 'h3', status: 'online' });

    store.markOffline(['a'], { forgetSession: true }); // unregistered
    expect(store.getPeerSession('a')).toEqual({ sessionHash: null, status: 'offline' });

    expectTrue('b');
    store.forgetSessions(); // the index starts again
    expectTrue('b');
    session('b', 'h4');
    expectTrue('b');
    await store.markAllOffline();
    expect(store.getPeerSession('b')).toEqual({ sessionHash: 'h4', status: 'offline' });

    expect(store.removePeer('b')).toEqual([]);
    expect(store.getPeerSession('b')).toBeUndefined();
    expect(store.removePeersOfflineSince(T0 + 10)).toEqual([{ peerId: 'a', removedFileIds: [] }]);
    expect(store.getPeerSession('a')).toBeUndefined();
  });

  it('keeps nothing read inside a transaction that is rolled back', () => {
    session('a', 'h1');
    expect(() => db.transaction(() => {
      db.prepare("UPDATE index_peers SET session_hash = 'uncommitted' WHERE peer_id = 'a'").run();
      expect(store.getPeerSession('a')?.sessionHash).toBe('uncommitted');
      throw new Error('roll back');
    })()).toThrow('roll back');
    expect(store.getPeerSession('a')).toEqual({ sessionHash: 'h1', status: 'online' });
  });
});

describe('IndexStore: what sources claim (issue 14)', () => {
  const real = file('Holiday.mkv', { size: 5 * MiB, category: 'video', key: 'holiday' });
  const bait = { ...real, name: 'FREE-MOVIE-totally-legit.exe', size: 123_456_789, category: 'software' as const, mime: 'application/x-msdownload', tags: ['free'] };
  const shown = () => store.getFile(real.id);

  it('shows the size, type and names most sources claim; sources of another size are not listed or counted', () => {
    register('fake-1', [bait]);
    expect(shown()).toMatchObject({ name: bait.name, size: bait.size, category: 'software', sourceCount: 1 });
    register('honest-1', [real]);
    // One against one: the claim shown so far stays (equal reputations).
    expect(shown()).toMatchObject({ size: bait.size, sourceCount: 1, sources: [{ peerId: 'fake-1' }] });
    register('honest-2', [real]);
    expect(shown()).toMatchObject({ name: real.name, names: [real.name], size: real.size, category: 'video', mime: real.mime, sourceCount: 2 });
    expect(shown()?.sources.map((s) => s.peerId).sort()).toEqual(['honest-1', 'honest-2']);
    expect(names({ q: 'free' })).toEqual([]);
    expect(names({ q: 'holiday' })).toEqual([real.name]);
    expect(store.counts().availableBytes).toBe(real.size);
    expectTotalsConsistent();
    // The fake's comings and goings do not count: it is no source of this file.
    store.markOffline(['fake-1']);
    expect(shown()?.sourceCount).toBe(2);
    store.touchPeer('fake-1', T0 + 1);
    expect(shown()?.sourceCount).toBe(2);
    store.markOffline(['honest-1']);
    expect(shown()?.sourceCount).toBe(1);
    expectTotalsConsistent();
    store.replacePeerFiles('fake-1', []);
    expect(shown()).toMatchObject({ size: real.size, sourceCount: 1 });
    expectTotalsConsistent();
  });

  it('lists names by how many sources give them, and forgets a name with its last source', () => {
    register('a', [{ ...real, name: 'zzz-first.mkv' }]);
    register('b', [real]);
    expect(shown()?.names).toEqual(['zzz-first.mkv', real.name]); // one each: as first seen
    register('c', [real]);
    expect(shown()?.names).toEqual([real.name, 'zzz-first.mkv']);
    expect(names({ q: 'holiday' })).toEqual([real.name]);
    store.removePeerFiles('a', [real.id]);
    expect(shown()?.names).toEqual([real.name]);
    expect(names({ q: 'zzz' })).toEqual([]);
    // A source renaming its copy moves its vote.
    store.addPeerFiles('b', [{ ...real, name: 'Holiday (2019).mkv' }]);
    store.addPeerFiles('c', [{ ...real, name: 'Holiday (2019).mkv' }]);
    expect(shown()?.name).toBe('Holiday (2019).mkv');
    expectTotalsConsistent();
  });

  it('a source that changes its claimed size moves with it', () => {
    register('a', [real]);
    register('b', [real]);
    store.addPeerFiles('b', [{ ...real, size: 7 }]);
    expect(shown()).toMatchObject({ size: real.size, sourceCount: 1 });
    store.addPeerFiles('a', [{ ...real, size: 7 }]);
    expect(shown()).toMatchObject({ size: 7, sourceCount: 2 });
    expectTotalsConsistent();
  });

  it('a size a source\u2019s piece list proved wins over any count of claims', () => {
    register('fake-1', [bait]);
    register('fake-2', [bait]);
    register('honest-1', [real]);
    expect(shown()?.size).toBe(bait.size);
    expect(store.drainSizeConflicts()).toEqual([real.id]);
    expect(store.sizeClaims(real.id).map((c) => c.size).sort()).toEqual([real.size, bait.size].sort());
    store.proveSize(real.id, real.size);
    expect(shown()).toMatchObject({ size: real.size, name: real.name, sourceCount: 1, sources: [{ peerId: 'honest-1' }] });
    register('fake-3', [bait]);
    expect(shown()?.size).toBe(real.size);
    expect(store.drainSizeConflicts()).toEqual([]); // proven: nothing left to settle
    expectTotalsConsistent();
  });

  it('counts the files a peer would have after an update, renames and removals included', () => {
    register('a', [file('1.txt'), file('2.txt'), file('3.txt')]);
    expect(store.fileCountAfter('a', [file('4.txt').id], [], 10)).toBe(4); // under the bound: not counted exactly
    expect(store.fileCountAfter('a', [file('1.txt').id, file('4.txt').id], [file('2.txt').id], 3)).toBe(3);
    expect(store.fileCountAfter('a', [file('4.txt').id, file('5.txt').id], [], 3)).toBe(5);
  });

  it('keeps transfer reports a day, and at most MAX_REPORT_ROWS of them (the newest)', () => {
    const r = (i: number, at: number) => ({ reporter: `r${i}`, subject: 's', fileId: real.id, downloadId: `d${i}`, at, effect: -1 });
    store.recordReport(r(1, T0));
    store.recordReport(r(2, T0 + 10));
    expect(store.reportCounted(r(1, 0))).toBe(true);
    expect(store.reporterEffectOn('r1', 's', T0)).toBe(1);
    store.forgetReportsBefore(T0 + 5);
    expect(store.reportCounted(r(1, 0))).toBe(false);
    expect(store.reportCounted(r(2, 0))).toBe(true);
    for (let i = 0; i < 1000; i++) store.recordReport(r(100 + i, T0 + 100 + i));
    store.forgetReportsBefore(0, 500); // the newest 500 stay
    expect(db.prepare('SELECT count(*) AS n FROM index_reports').get()).toEqual({ n: 500 });
    expect(store.reportCounted(r(100 + 999, 0))).toBe(true);
    expect(store.reportCounted(r(100 + 500, 0))).toBe(true);
    expect(store.reportCounted(r(100 + 499, 0))).toBe(false);
    expect(MAX_REPORT_ROWS).toBe(500_000);
  });

  it('counts peers by address key, claimed or observed', () => {
    store.registerPeer({ peerId: 'p1', name: 'p1', address: '10.0.0.1', port: 1, sessionHash: 'h', now: T0, files: [], sourceAddress: '10.0.0.9', addressKey: '10.0.0.1', sourceKey: '10.0.0.9' });
    store.registerPeer({ peerId: 'p2', name: 'p2', address: '10.0.0.9', port: 1, sessionHash: 'h', now: T0, files: [], sourceAddress: '10.0.0.9', addressKey: '10.0.0.9', sourceKey: '10.0.0.9' });
    expect(store.peersAtAddress('10.0.0.9')).toBe(2);
    expect(store.peersAtAddress('10.0.0.1')).toBe(1);
    expect(store.peerStanding('p1')).toMatchObject({ addressKey: '10.0.0.1', sourceKey: '10.0.0.9', firstSeen: T0, reputation: 50 });
    // A later registration keeps the identity's age.
    store.registerPeer({ peerId: 'p1', name: 'p1', address: '10.0.0.1', port: 1, sessionHash: 'h2', now: T0 + 5000, files: [] });
    expect(store.peerStanding('p1')?.firstSeen).toBe(T0);
  });
});

describe('helpers', () => {
  it('tagToken keeps letters and digits, and tells c++ from c#', () => {
    expect(tagToken('Sci-Fi')).toBe('tscifi');
    expect(tagToken('sci fi')).toBe('tscifi');
    expect(tagToken('c++')).toBe('tcplusplus');
    expect(tagToken('c#')).toBe('tcsharp');
    expect(tagToken('...')).toBeUndefined();
  });

  it('quickRelevance prefers whole words at word starts, in short names', () => {
    const words = ['holiday'];
    const exact = quickRelevance(words, 'Holiday.mp4', 1);
    const long = quickRelevance(words, 'Holiday at the seaside 2019.mp4', 1);
    const prefix = quickRelevance(words, 'Holidays.mp4', 1);
    const inside = quickRelevance(words, 'MyOwnholiday.mp4', 1);
    const camel = quickRelevance(words, 'MyHoliday.mp4', 1);
    expect(exact).toBeGreaterThan(long);
    expect(exact).toBeGreaterThan(prefix);
    expect(camel).toBeGreaterThan(inside);
    expect(quickRelevance(words, 'Holiday.mp4', 10)).toBeGreaterThan(exact);
    expect(quickRelevance(['cafe'], 'Café.mp3', 0)).toBeGreaterThan(quickRelevance(['cafe'], 'other.mp3', 0));
    expect(quickRelevance(['love', 'story'], '06 Love Story.wav', 0)).toBeGreaterThan(quickRelevance(['love', 'story'], '11 Story Love.wav', 0));
  });

  it('source ranking: the SQL formula equals the function', () => {
    const db2 = openDatabase(':memory:');
    try {
      const cases = [
        { reputation: 50, activeUploads: 0, freeUploadSlots: 0, failuresRecent: 0 },
        { reputation: 80, activeUploads: 3, freeUploadSlots: 9, failuresRecent: 1.5 },
        { reputation: 10, activeUploads: 20, freeUploadSlots: 2, failuresRecent: 8 },
      ];
      for (const c of cases) {
        const row = db2.prepare(`SELECT ${sourceScoreSql('p')} AS score FROM (SELECT ? AS reputation, ? AS active_uploads, ? AS free_upload_slots, ? AS failures_recent) p`)
          .get(c.reputation, c.activeUploads, c.freeUploadSlots, c.failuresRecent) as { score: number };
        expect(row.score).toBeCloseTo(sourceScore(c), 9);
      }
    } finally {
      db2.close();
    }
  });
});
