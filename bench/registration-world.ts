// The index the registration benchmark registers into: `peers` peers of `filesPerPeer` files each,
// shaped as the load test's (loadtest/index-load.ts): a third of each library is files other peers
// hold too, the rest its own. Written through the real IndexStore in one transaction (the store's
// writes join it), so the tables, the full-text rows and the counts are exactly what registrations
// over HTTP would have left, in a minute instead of the load test's twelve.
import type { IndexedFile } from '../src-shared/api/index-routes.js';
import { NodeKey } from '../src-main/core/identity/node-key.js';
import { IndexStore } from '../src-main/core/index/index-store.js';
import { openDatabase } from '../src-main/core/store/database.js';
import { generatedFile } from './realistic-names.js';

/** Peer `i`'s files in a network of `peers` (the load test's overlap: every third file is shared). */
export function worldPeerFiles(i: number, peers: number, filesPerPeer: number): IndexedFile[] {
  return Array.from({ length: filesPerPeer }, (_, k) => generatedFile(k % 3 === 0 ? (i * 7 + k) % (peers * 10) : i * filesPerPeer + k + 10_000_000));
}

/** Fills the SQLite file `dbFile` (a node's shoal.db) with the world; returns its unique files. */
export function buildWorld(dbFile: string, peers: number, filesPerPeer: number): number {
  const db = openDatabase(dbFile);
  try {
    const store = new IndexStore(db);
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < peers; i++) {
        store.registerPeer({ peerId: NodeKey.generate().id, name: `world-${i}`, address: '127.0.0.2', port: 1024 + (i % 60_000), sessionHash: '', now, files: worldPeerFiles(i, peers, filesPerPeer) });
      }
    })();
    return store.counts().uniqueFiles;
  } finally {
    db.close();
  }
}
