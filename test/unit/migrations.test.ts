import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src-main/core/store/database.js';
import { migrations } from '../../src-main/core/store/migrations.js';
import { makeTempDir } from '../support/temp-dir.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('migrations', () => {
  it('are numbered 1, 2, 3… without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('bring a new database to the latest version, in WAL mode, and run once', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'shoal.db');
    let db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['files', 'locations', 'shared_paths', 'excluded_paths', 'node_meta']));
    db.close();
    db = openDatabase(file);
    expect(migrate(db, migrations)).toBe(0);
    db.close();
  });

  it('apply only newer migrations, and roll back a failing one whole', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const db = openDatabase(join(dir.path, 'shoal.db'));
    const next = migrations.length + 1;
    const added = [...migrations, { version: next, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER);' }];
    expect(migrate(db, added)).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(next);
    const broken = [...added, { version: next + 1, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); CREATE TABLE nope (;' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(next);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  /** A database as a release that had migrations up to `version` left it. */
  async function databaseAtVersion(version: number) {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const db = openDatabase(join(dir.path, 'shoal.db'), migrations.filter((m) => m.version <= version));
    cleanups.push(async () => void db.close());
    return db;
  }

  it('8 drops the columns nobody read and keeps the rows', async () => {
    const db = await databaseAtVersion(7);
    db.prepare("INSERT INTO shared_paths (path, added_at) VALUES ('/home/me/film.mkv', 1)").run();
    db.prepare(`INSERT INTO index_peers (peer_id, name, address, port, status, registered_at, last_seen, source_address, transfers_ok, bytes_served, source_key)
      VALUES ('P', 'p', '10.0.0.1', 9001, 'online', 1, 1, '10.0.0.1', 3, 100, '10.0.0.1')`).run();
    expect(migrate(db, migrations)).toBe(migrations.length - 7);
    const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name);
    expect(columns('index_peers').filter((c) => ['source_address', 'transfers_ok', 'transfers_failed', 'bytes_served'].includes(c))).toEqual([]);
    expect(columns('shared_paths')).toEqual(['path']);
    expect(db.prepare('SELECT path FROM shared_paths').all()).toEqual([{ path: '/home/me/film.mkv' }]);
    expect(db.prepare('SELECT peer_id, source_key FROM index_peers').all()).toEqual([{ peer_id: 'P', source_key: '10.0.0.1' }]);
  });

  it('9 keeps the unshared paths, with no stamp (they are hashed when shared again), and adds the kept contents', async () => {
    const db = await databaseAtVersion(8);
    db.prepare("INSERT INTO excluded_paths (path, added_at) VALUES ('/home/me/film.mkv', 7)").run();
    expect(migrate(db, migrations)).toBe(migrations.length - 8);
    expect(db.prepare('SELECT * FROM excluded_paths').all()).toEqual([
      { path: '/home/me/film.mkv', added_at: 7, file_id: null, size: null, mtime_ms: null, inode: null },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM unshared_contents').get()).toEqual({ n: 0 });
  });

  it('11 counts the index’s peers, in all and online, into its totals', async () => {
    const db = await databaseAtVersion(10);
    const peer = db.prepare(`INSERT INTO index_peers (peer_id, name, address, port, status, registered_at, last_seen, address_key, source_key, first_seen)
      VALUES (?, 'p', '10.0.0.1', 9001, ?, 1, 1, '10.0.0.1', '10.0.0.1', 1)`);
    peer.run('A', 'online');
    peer.run('B', 'offline');
    peer.run('C', 'online');
    expect(migrate(db, migrations)).toBe(migrations.length - 10);
    expect(db.prepare('SELECT peers, peers_online FROM index_totals').get()).toEqual({ peers: 3, peers_online: 2 });
  });

  it('12 makes the peers already there this index’s own, before any revision of its feed', async () => {
    const db = await databaseAtVersion(11);
    db.prepare(`INSERT INTO index_peers (peer_id, name, address, port, status, registered_at, last_seen, address_key, source_key, first_seen)
      VALUES ('A', 'p', '10.0.0.1', 9001, 'online', 1, 1, '10.0.0.1', '10.0.0.1', 1)`).run();
    expect(migrate(db, migrations)).toBe(migrations.length - 11);
    expect(db.prepare('SELECT peer_id, home, rev, replica_gen FROM index_peers').all()).toEqual([{ peer_id: 'A', home: '', rev: 0, replica_gen: 0 }]);
    expect(db.prepare('SELECT count(*) AS n FROM index_peer_removals').get()).toEqual({ n: 0 });
  });
});
