// Opens the node's one SQLite database and brings its schema up to date.
import Database from 'better-sqlite3';
import type { Migration } from './migrations.js';
import { migrations as defaultMigrations } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly Migration[] = defaultMigrations): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable under WAL except for the last transactions on power loss; the library
  // can always be rebuilt by a rescan, so the speed is worth it.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/** Applies every migration newer than the database's user_version, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return pending.length;
}
