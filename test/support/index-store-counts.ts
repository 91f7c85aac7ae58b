// The index store's denormalised counts against a count of its rows: the files' totals, and the
// peer counts kept in index_totals (its own peers: not federation members' copied here).
import { expect } from 'vitest';
import type { IndexStore } from '../../src-main/core/index/index-store.js';
import type { Db } from '../../src-main/core/store/database.js';

export function expectCountsConsistent(store: IndexStore, db: Db): void {
  const c = store.counts();
  expect({ files: c.uniqueFiles, available: c.availableFiles, availableBytes: c.availableBytes }).toEqual(store.recountTotals());
  expect({ peersTotal: c.peersTotal, peersOnline: c.peersOnline })
    .toEqual(db.prepare("SELECT count(*) AS peersTotal, count(*) FILTER (WHERE status = 'online') AS peersOnline FROM index_peers WHERE home = ''").get());
}
