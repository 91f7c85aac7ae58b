// Typed SQL rows (issue 12): every statement the index store prepares that returns rows selects
// exactly the columns its row type has, of the kind the type reads. A column forgotten in the SQL
// or in the type fails here instead of reading `undefined` at run time.
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { searchQuerySchema, type IndexedFile } from '../../src-shared/api/index-routes.js';
import { IndexStore } from '../../src-main/core/index/index-store.js';
import { browseSql, countedSql, hitsSql } from '../../src-main/core/index/store/index-search.js';
import { countedRow, fidRow, hitRow } from '../../src-main/core/index/store/index-rows.js';
import { TypedSql } from '../../src-main/core/index/store/typed-sql.js';
import type { Db } from '../../src-main/core/store/database.js';
import { rowMismatches } from '../support/sql-rows.js';
import { databasePerTest } from '../support/temp-database.js';
import { sha256 } from '../support/sha256.js';

const file = (name: string, size = 1000): IndexedFile => ({
  id: sha256(name), name, size, mime: 'video/mp4', category: 'video', tags: ['mp4', 'holiday'], pieceSize: 256 * 1024, folder: 'Films',
});
const q = (query: Record<string, unknown>) => searchQuerySchema.parse(query);

const database = databasePerTest();
let db: Db;
let sql: TypedSql;
let store: IndexStore;

beforeEach(() => {
  db = database();
  sql = new TypedSql(db);
  store = new IndexStore(db, sql);
});

/** Runs what prepares the statements built per query: every search form, filters, browsing, paging by id. */
function exerciseSearch(): void {
  const registration = { name: 'a peer', address: '10.0.0.1', port: 9001, now: 1_700_000_000_000 };
  store.registerPeer({ ...registration, peerId: 'peer-a', sessionHash: 'h-a', files: [file('Holiday.mp4'), file('Trailer.mp4', 5000)] });
  store.registerPeer({ ...registration, peerId: 'peer-b', sessionHash: 'h-b', files: [file('Holiday.mp4')] });
  for (const sort of ['relevance', 'newest', 'size', 'sources'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      store.search(q({ q: 'holiday', sort, order }));
      store.search(q({ q: '', sort, order, minSize: 10 }));
    }
  }
  store.search(q({ q: 'holiday', minSources: 2, minSize: 10, maxSize: 10_000 }));
  store.search(q({ q: '', minSources: 2 }));
  store.search(q({ q: '-trailer' }));
  store.listFiles({ offset: 0, limit: 10, idPrefix: sha256('Holiday.mp4').slice(0, 6) });
}

describe('Typed SQL rows of the index store', () => {
  it('selects exactly the columns of each row type, of the kinds it reads', () => {
    exerciseSearch();
    // The SQL built per query, in forms the scenario above may not have met.
    sql.select(hitRow, hitsSql('f.online_sources >= @minSources', 'ASC'));
    sql.select(fidRow, browseSql('WHERE f.size >= @minSize', 'f.size DESC, f.fid DESC'));
    sql.select(countedRow, countedSql(''));
    const statements = sql.rowStatements();
    expect(statements.length).toBeGreaterThan(50);
    const mismatches = Object.fromEntries(statements
      .map(({ sql: text, statement, row }) => [text.replace(/\s+/g, ' '), rowMismatches(statement, row)] as const)
      .filter(([, problems]) => problems.length > 0));
    expect(mismatches).toEqual({});
  });

  it('catches a column forgotten in the SQL or in the type, and a column read as the wrong kind', () => {
    const forgotten = rowMismatches(db.prepare('SELECT fid, size FROM index_files'), z.object({ fid: z.number(), size: z.number(), names: z.string() }));
    expect(forgotten).toEqual(['the SQL selects no column "names" (the row type has it)']);
    const extra = rowMismatches(db.prepare('SELECT fid, size FROM index_files'), z.object({ fid: z.number() }));
    expect(extra).toEqual(['the row type has no key "size" (the SQL selects it)']);
    const kind = rowMismatches(db.prepare('SELECT file_id AS fid FROM index_files'), z.object({ fid: z.number() }));
    expect(kind).toEqual(['column "fid" is TEXT, the row type reads a number']);
  });

  it('refuses a statement that returns rows without a row type', () => {
    expect(() => sql.write('UPDATE index_files SET size = size RETURNING fid')).toThrow(/row schema/);
    expect(() => sql.write('SELECT 1')).toThrow(/row schema/);
  });
});
