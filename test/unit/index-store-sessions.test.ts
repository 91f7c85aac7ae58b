// IndexStore.getPeerSession answers from memory (peer-session-cache.ts): after every write of a
// peer's status or session it must still say what index_peers says.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { IndexStore } from '../../src-main/core/index/index-store.js';
import { openDatabase, type Db } from '../../src-main/core/store/database.js';
import { makeTempDir } from '../support/temp-dir.js';

const T0 = 1_700_000_000_000;
let dir: { path: string; remove(): Promise<void> };
let db: Db;
let store: IndexStore;

const register = (peerId: string, sessionHash: string, now = T0) =>
  store.registerPeer({ peerId, name: peerId, address: '10.0.0.1', port: 9001, sessionHash, now, files: [] });

/** What the table says, read past the cache. */
const fromTable = (peerId: string) => {
  const row = db.prepare('SELECT session_hash, status FROM index_peers WHERE peer_id = ?').get(peerId) as { session_hash: string | null; status: string } | undefined;
  return row && { sessionHash: row.session_hash, status: row.status };
};
const expectTrue = (peerId: string) => expect(store.getPeerSession(peerId)).toEqual(fromTable(peerId));

beforeEach(async () => {
  dir = await makeTempDir();
  db = openDatabase(join(dir.path, 'shoal.db'));
  store = new IndexStore(db);
});
afterEach(async () => {
  db.close();
  await dir.remove();
});

it('follows every write of a status or a session', async () => {
  expect(store.getPeerSession('a')).toBeUndefined();
  register('a', 'h1');
  register('b', 'h2');
  expectTrue('a');
  expect(store.getPeerSession('a')).toEqual({ sessionHash: 'h1', status: 'online' });

  register('a', 'h3'); // a new session
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
  register('b', 'h4');
  expectTrue('b');
  await store.markAllOffline();
  expect(store.getPeerSession('b')).toEqual({ sessionHash: 'h4', status: 'offline' });

  expect(store.removePeer('b')).toEqual([]);
  expect(store.getPeerSession('b')).toBeUndefined();
  expect(store.removePeersOfflineSince(T0 + 10)).toEqual([{ peerId: 'a', removedFileIds: [] }]);
  expect(store.getPeerSession('a')).toBeUndefined();
});

it('keeps nothing read inside a transaction that is rolled back', () => {
  register('a', 'h1');
  expect(() => db.transaction(() => {
    db.prepare("UPDATE index_peers SET session_hash = 'uncommitted' WHERE peer_id = 'a'").run();
    expect(store.getPeerSession('a')?.sessionHash).toBe('uncommitted');
    throw new Error('roll back');
  })()).toThrow('roll back');
  expect(store.getPeerSession('a')).toEqual({ sessionHash: 'h1', status: 'online' });
});
