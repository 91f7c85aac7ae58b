// The row check of typed SQL (src-main/core/index/store/typed-sql.ts): what a prepared statement
// returns, held to the zod schema its rows are typed by. A column the SQL forgot, a key the type
// forgot, or a column read as the wrong kind (a TEXT column typed as a number) is a mismatch.
import type { Statement } from 'better-sqlite3';
import type { z } from 'zod';

type Kind = 'number' | 'string';

/** What a schema field holds, as SQLite would store it (nullable unwrapped; enums are text). */
function kindOf(field: z.ZodType): Kind | undefined {
  const type = field.def.type;
  if (type === 'nullable' || type === 'optional') return kindOf((field as z.ZodNullable<z.ZodType>).unwrap());
  if (type === 'number' || type === 'int') return 'number';
  if (type === 'string' || type === 'enum') return 'string';
  return undefined;
}

/** The declared type of a table column as a kind; undefined for an expression (no declared type). */
function declaredKind(type: string | null): Kind | undefined {
  if (type === null) return undefined;
  if (/INT|REAL|FLOA|DOUB|NUM/i.test(type)) return 'number';
  if (/TEXT|CHAR|CLOB/i.test(type)) return 'string';
  return undefined;
}

/** How `statement`'s columns differ from `row`'s keys and kinds: empty when they agree. */
export function rowMismatches(statement: Statement, row: z.ZodObject<z.ZodRawShape>): string[] {
  const columns = statement.columns();
  const names = columns.map((c) => c.name);
  const keys = Object.keys(row.shape);
  const problems: string[] = [];
  for (const key of keys) if (!names.includes(key)) problems.push(`the SQL selects no column "${key}" (the row type has it)`);
  for (const name of names) if (!keys.includes(name)) problems.push(`the row type has no key "${name}" (the SQL selects it)`);
  if (new Set(names).size !== names.length) problems.push(`the SQL selects a column twice: ${names.join(', ')}`);
  for (const c of columns) {
    const field = row.shape[c.name] as z.ZodType | undefined;
    const declared = declaredKind(c.type);
    const typed = field && kindOf(field);
    if (declared && typed && declared !== typed) problems.push(`column "${c.name}" is ${c.type}, the row type reads a ${typed}`);
  }
  return problems;
}
