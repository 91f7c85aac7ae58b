// Typed SQL rows of the library store (issue 12): every statement it prepares that returns rows
// selects exactly the columns its row is read by. The file and location rows are tied to their
// types: FileRow and LocationRow list their keys below (TypeScript refuses a key missing or
// extra), and the SQL must select each, snake_cased. A statement the list does not know fails,
// so a new one is checked from the start.
import type { Statement } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LibraryStore, type FileRow, type LocationRow } from '../../src-main/core/store/library-store.js';
import { databasePerTest } from '../support/temp-database.js';

const fileRowKeys = {
  id: true, size: true, pieceSize: true, pieceHashes: true, mime: true, category: true, userTags: true, sharedAt: true, sha256: true,
} satisfies Record<keyof FileRow, true>;
const locationRowKeys = {
  path: true, fileId: true, root: true, name: true, size: true, mtimeMs: true, inode: true, addedAt: true,
} satisfies Record<keyof LocationRow, true>;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const FILE = Object.keys(fileRowKeys).map(snake);
const LOCATION = Object.keys(locationRowKeys).map(snake);

/** The columns each row statement must select, by its name in the store. */
const rows: Record<string, string[]> = {
  getFile: FILE,
  allFiles: FILE,
  getLocation: LOCATION,
  locationsOf: LOCATION,
  locationsUnder: LOCATION,
  allLocations: LOCATION,
  nextWithoutSha256: ['id', 'path', 'size', 'mtime_ms', 'inode'],
  locationFileId: ['file_id'],
  locationStamps: ['path', 'size', 'mtime_ms', 'inode'],
  pathsUnder: ['path'],
  pathsWithStamp: ['path'],
  excludedPaths: ['path'],
  counts: ['files', 'locations', 'bytes'],
  totalChanges: ['total_changes()'],
  visibleCounts: ['files', 'locations', 'bytes'],
  sharedPaths: ['path'],
  isExcluded: ['path'],
  excludedPage: ['path', 'added_at'],
  excludedCount: ['n'],
  stampsUnder: ['path', 'file_id', 'size', 'mtime_ms', 'inode'],
  unsharedContent: FILE.filter((c) => c !== 'shared_at'),
  rootAccess: ['root', 'devices'],
};

const database = databasePerTest();

describe('Typed SQL rows of the library store', () => {
  it('selects exactly the columns each row is read by', () => {
    // The prepared statements are the store's own (private): read, never run, here.
    const statements = (new LibraryStore(database()) as unknown as { s: Record<string, Statement> }).s;
    const readers = Object.entries(statements).filter(([, statement]) => statement.reader);
    expect(readers.length).toBeGreaterThan(10);
    const mismatches = Object.fromEntries(readers
      .map(([name, statement]) => {
        const expected = rows[name];
        if (!expected) return [name, 'no row listed for it in test/unit/library-store-rows.test.ts'] as const;
        const columns = statement.columns().map((c) => c.name);
        const same = columns.length === expected.length && expected.every((c) => columns.includes(c));
        return [name, same ? '' : `selects ${columns.join(', ')}; its row is ${expected.join(', ')}`] as const;
      })
      .filter(([, problem]) => problem !== ''));
    expect(mismatches).toEqual({});
  });
});
