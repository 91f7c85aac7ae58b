// The counts the index keeps instead of counting (each would be a scan of a million rows):
// - index_files.online_sources = the number of the file's locations whose peer is online (and
//   that claim the file's size: file-claims.ts);
// - index_peers.file_count = the number of the peer's locations;
// - index_totals = count, available count and available bytes of index_files.
// Writes note their changes to the totals here as they go; `write` stores them once, at the end of
// its transaction (one UPDATE per write, however many files it touched).
import type { Db } from '../../store/database.js';
import { availabilityRow, totalsRow, type Availability } from './index-rows.js';
import type { TypedSql } from './typed-sql.js';

export interface Totals { files: number; available: number; availableBytes: number }

export class DenormalisedCounts {
  private readonly db: Db;
  private readonly s;
  private delta = { files: 0, available: 0, bytes: 0 };

  constructor(sql: TypedSql) {
    this.db = sql.db;
    this.s = {
      totals: sql.select<[], typeof totalsRow>(totalsRow, 'SELECT files, available, available_bytes FROM index_totals WHERE id = 1'),
      addTotals: sql.write<[number, number, number]>('UPDATE index_totals SET files = files + ?, available = available + ?, available_bytes = available_bytes + ? WHERE id = 1'),
      setTotals: sql.write<[number, number, number]>('UPDATE index_totals SET files = ?, available = ?, available_bytes = ? WHERE id = 1'),
      recount: sql.select<[], typeof totalsRow>(totalsRow, `SELECT count(*) AS files,
        coalesce(sum(online_sources > 0), 0) AS available, coalesce(sum(iif(online_sources > 0, size, 0)), 0) AS available_bytes FROM index_files`),
      resetAvailable: sql.write('UPDATE index_totals SET available = 0, available_bytes = 0 WHERE id = 1'),
      noneAvailableChunk: sql.write<[number]>(`UPDATE index_files SET online_sources = 0
        WHERE fid IN (SELECT fid FROM index_files WHERE online_sources > 0 LIMIT ?)`),
      bump: sql.select<[number, number], typeof availabilityRow>(availabilityRow,
        'UPDATE index_files SET online_sources = online_sources + ? WHERE fid = ? RETURNING online_sources, size'),
      bumpMany: sql.select<[string], typeof availabilityRow>(availabilityRow,
        'UPDATE index_files SET online_sources = online_sources + 1 WHERE fid IN (SELECT value FROM json_each(?)) RETURNING online_sources, size'),
      // A peer's files it claims the file's size of (the others' it is no source of; see file-claims.ts).
      bumpPeer: sql.select<{ by: number; peer: number }, typeof availabilityRow>(availabilityRow, `UPDATE index_files SET online_sources = online_sources + @by
        WHERE fid IN (SELECT fid FROM index_locations WHERE peer = @peer)
          AND size = (SELECT l.size FROM index_locations l WHERE l.fid = index_files.fid AND l.peer = @peer) RETURNING online_sources, size`),
      setFileCount: sql.write<{ id: number }>('UPDATE index_peers SET file_count = (SELECT count(*) FROM index_locations WHERE peer = @id) WHERE id = @id'),
    };
  }

  /**
   * Runs `fn` in one transaction and stores the totals it changed. Internals never open a
   * nested transaction: a savepoint makes FTS5 flush its pending inserts.
   */
  write<T>(fn: () => T): T {
    const run = (): T => {
      try {
        return fn();
      } finally {
        this.flushTotals();
      }
    };
    return this.db.inTransaction ? run() : this.db.transaction(run)();
  }

  private flushTotals(): void {
    const d = this.delta;
    if (d.files !== 0 || d.available !== 0 || d.bytes !== 0) this.s.addTotals.run(d.files, d.available, d.bytes);
    this.delta = { files: 0, available: 0, bytes: 0 };
  }

  /** Adds `by` to a file's online sources and notes when it became (un)available. */
  bumpSources(fid: number, by: 1 | -1): void {
    const row = this.s.bump.get(by, fid);
    if (row) this.noteAvailability(row, by);
  }

  /** Adds one to the online sources of each of `fids` (distinct): a registration's, in one statement. */
  bumpSourcesOf(fids: readonly number[]): void {
    if (fids.length === 1) return this.bumpSources(fids[0] as number, 1);
    for (const row of this.s.bumpMany.all(JSON.stringify(fids))) this.noteAvailability(row, 1);
  }

  /** Adds `by` to the online sources of every file `peer` is a source of (its status changed). */
  bumpPeerSources(peer: number, by: 1 | -1): void {
    for (const row of this.s.bumpPeer.all({ by, peer })) this.noteAvailability(row, by);
  }

  private noteAvailability(row: Availability, by: 1 | -1): void {
    if (by === 1 && row.online_sources === 1) {
      this.delta.available++;
      this.delta.bytes += row.size;
    } else if (by === -1 && row.online_sources === 0) {
      this.delta.available--;
      this.delta.bytes -= row.size;
    }
  }

  /** A file new to the index, available when its first source is online. */
  fileAdded(size: number, online: boolean): void {
    this.delta.files++;
    if (online) {
      this.delta.available++;
      this.delta.bytes += size;
    }
  }

  /** A file gone from the index (what its deletion returned). */
  fileRemoved(gone: Availability): void {
    this.delta.files--;
    if (gone.online_sources > 0) {
      this.delta.available--;
      this.delta.bytes -= gone.size;
    }
  }

  /** A file's size or online sources changed (file-claims.ts wrote both). */
  availabilityChanged(before: Availability, after: Availability): void {
    if (before.online_sources > 0) {
      this.delta.available--;
      this.delta.bytes -= before.size;
    }
    if (after.online_sources > 0) {
      this.delta.available++;
      this.delta.bytes += after.size;
    }
  }

  /** Counts a peer's locations again (after a write to them). */
  setFileCount(peer: number): void {
    this.s.setFileCount.run({ id: peer });
  }

  /** No file available (every peer went offline): the totals at once, in the caller's write. */
  resetAvailable(): void {
    this.s.resetAvailable.run();
  }

  /**
   * ... then every file's online sources: for a million files that takes seconds, so it runs in
   * chunks of `chunkRows` (found through the index on online_sources), yielding to the event loop
   * between them.
   */
  async zeroOnlineSources(chunkRows: number): Promise<void> {
    while (this.s.noneAvailableChunk.run(chunkRows).changes >= chunkRows) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  totals(): Totals | undefined {
    const t = this.s.totals.get();
    return t && { files: t.files, available: t.available, availableBytes: t.available_bytes };
  }

  /** The totals counted from the tables (a full scan: for tests and repairs); `fix` stores them. */
  recount(fix = false): Totals {
    const counted = this.s.recount.get() ?? { files: 0, available: 0, available_bytes: 0 };
    if (fix) this.s.setTotals.run(counted.files, counted.available, counted.available_bytes);
    return { files: counted.files, available: counted.available, availableBytes: counted.available_bytes };
  }
}
