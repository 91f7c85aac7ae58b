// Typed SQL rows of the download store (issue 12): a download read back after a restart is the one
// saved, every field of it, and the statement that reads it selects exactly the columns its row is
// mapped from. DownloadRecord lists its keys below (TypeScript refuses a key missing or extra), so
// a field added to the record and forgotten in the SQL or a mapping fails here.
import type { Statement } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DownloadStore, type DownloadRecord } from '../../src-main/core/downloads/download-store.js';
import { databasePerTest } from '../support/temp-database.js';

/** Each field of a record and the columns it is stored in. */
const columnsOf = {
  id: ['id'], fileId: ['file_id'], name: ['name'], size: ['size'], pieceSize: ['piece_size'], pieceHashes: ['piece_hashes'],
  bitfield: ['bitfield'], state: ['state'], directory: ['directory'], partialPath: ['partial_path'], finalPath: ['final_path'],
  peer: ['peer'], sources: ['sources'], error: ['error_code', 'error_message'], createdAt: ['created_at'], updatedAt: ['updated_at'],
  completedAt: ['completed_at'],
} satisfies Record<keyof DownloadRecord, string[]>;

/** A record with every field set (no nulls), so a field lost on the way shows. */
const full: DownloadRecord = {
  id: 'd1', fileId: 'a'.repeat(64), name: 'song.flac', size: 1234, pieceSize: 262144, pieceHashes: Buffer.alloc(32, 7),
  bitfield: Buffer.from([0b1010_0000]), state: 'failed', directory: '/downloads', partialPath: '/downloads/.song.flac.part',
  finalPath: '/downloads/song.flac', peer: 'peer-1',
  sources: [{ url: 'https://10.0.0.1:9001/files/x', peerId: 'peer-1', name: 'peer one', bytes: 1000, reported: true }],
  error: { code: 'NO_SOURCE', message: 'no source has it' }, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_001,
  completedAt: 1_700_000_000_002,
};

const database = databasePerTest();

describe('Typed SQL rows of the download store', () => {
  it('reads back every field it saved', () => {
    const store = new DownloadStore(database());
    store.save(full);
    const [read] = new DownloadStore(database()).all();
    // updatedAt is the time of the save, by design.
    expect({ ...read, updatedAt: full.updatedAt }).toEqual(full);
  });

  it('selects exactly the columns a record is mapped from', () => {
    // The prepared statements are the store's own (private): read, never run, here.
    const statements = (new DownloadStore(database()) as unknown as { s: Record<string, Statement> }).s;
    const readers = Object.entries(statements).filter(([, statement]) => statement.reader);
    expect(readers.length).toBeGreaterThan(0);
    const expected = Object.values(columnsOf).flat().sort();
    for (const [name, statement] of readers) {
      expect({ name, columns: statement.columns().map((c) => c.name).sort() }).toEqual({ name, columns: expected });
    }
  });
});
