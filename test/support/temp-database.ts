// A migrated SQLite file in a temp folder for each test of a file: opened before each test,
// closed and deleted after. Call at the top level of a test file; read the database through the getter.
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Db } from '../../src-main/core/store/database.js';
import { makeTempDir } from './temp-dir.js';

export function databasePerTest(): () => Db {
  let dir: { path: string; remove(): Promise<void> } | undefined;
  let db: Db | undefined;
  beforeEach(async () => {
    dir = await makeTempDir();
    db = openDatabase(join(dir.path, 'shoal.db'));
  });
  afterEach(async () => {
    db?.close();
    await dir?.remove();
  });
  return () => {
    if (!db) throw new Error('databasePerTest(): the database is opened before each test');
    return db;
  };
}
