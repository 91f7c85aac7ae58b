// Opens the node's one SQLite database and brings its schema up to date.
import Database from 'better-sqlite3';
import type { Migration } from './migrations.js';
import { migrations as defaultMigrations } from './migrations.js';

export type Db = Database.Database;

const PAGE_CACHE_KIB = 2000;

export function openDatabase(file: string, migrations: readonly Migration[] = defaultMigrations): Db {
  const db = openWal(file);
  // NORMAL is durable under WAL except for the last transactions on power loss; the library
  // can always be rebuilt by a rescan, so the speed is worth it.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection, and an idle node keeps
  // every page it ever read: 6 MB of a node sharing 10,000 files, 16 MB from ~30,000 on. The
  // library reads in sequence (a rescan) or one row at a time, and the OS caches the file anyway,
  // so SQLite's own default of 2 MB is enough; the index role sets its own (index-store.ts).
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  migrate(db, migrations);
  return db;
}

/**
 * Opens `file` in WAL mode. WAL needs a shared-memory index (`-shm`) that cannot be created on a
 * full disk; in exclusive locking mode it lives in the process's own memory instead, so a node
 * can still start (and read) there, and writes work again once there is room. Only one process
 * uses a node's database, so the exclusive lock costs nothing.
 */
function openWal(file: string): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    return db;
  } catch (err) {
    db.close();
    if (!String((err as { code?: unknown }).code).startsWith('SQLITE_IOERR')) throw err;
  }
  const exclusive = new Database(file);
  exclusive.pragma('locking_mode = EXCLUSIVE');
  exclusive.pragma('journal_mode = WAL');
  return exclusive;
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
