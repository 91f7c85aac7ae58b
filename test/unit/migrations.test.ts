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
});
