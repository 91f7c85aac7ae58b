// Prepared statements whose rows are typed by a zod schema. The schema gives the row's TypeScript
// type and remembers which columns the code reads, so a test can hold every SELECT (and RETURNING)
// to its schema (test/unit/index-store-rows.test.ts): a column forgotten in the SQL or in the type
// fails there instead of reading `undefined` at run time. Rows are never parsed on these paths:
// the index's hot paths (registration, heartbeats, search) pay nothing for the check.
import type { Statement } from 'better-sqlite3';
import type { z } from 'zod';
import type { Db } from '../../store/database.js';

export type RowSchema = z.ZodObject<z.ZodRawShape>;
type Params = unknown[] | object;

export class TypedSql {
  /** Each row statement's schema, by its SQL (bounded: the dynamic search SQL has a few hundred forms at most). */
  private readonly rows = new Map<string, { statement: Statement; row: RowSchema }>();

  constructor(readonly db: Db) {}

  /** A statement that returns rows (SELECT, or a write with RETURNING), typed by `row`. */
  select<P extends Params, S extends RowSchema>(row: S, sql: string): Statement<P, z.infer<S>> {
    const statement = this.db.prepare<P, z.infer<S>>(sql);
    this.rows.set(sql, { statement: statement as Statement, row });
    return statement;
  }

  /** A statement that returns no rows. */
  write<P extends Params = unknown[]>(sql: string): Statement<P, void> {
    const statement = this.db.prepare<P, void>(sql);
    if (statement.reader) throw new Error(`A statement that returns rows needs its row schema (TypedSql.select): ${sql}`);
    return statement;
  }

  /** Every row statement prepared so far, with its schema: for the row check in the tests. */
  rowStatements(): { sql: string; statement: Statement; row: RowSchema }[] {
    return [...this.rows].map(([sql, r]) => ({ sql, ...r }));
  }
}
