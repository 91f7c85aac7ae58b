// A download's error code is one of the catalogue's download codes wherever it is read: in the
// view's schema (what the API answers) and in the downloads table (a real SQLite file).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadViewSchema } from '../../src-shared/api/transfers.js';
import { downloadErrorCodeSchema } from '../../src-shared/errors.js';
import { DownloadStore, type DownloadRecord } from '../../src-main/core/downloads/download-store.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import type { Db } from '../../src-main/core/store/database.js';
import { makeTempDir } from '../support/temp-dir.js';

let dir: { path: string; remove(): Promise<void> } | null = null;
let db: Db | null = null;

afterEach(async () => {
  db?.close();
  db = null;
  await dir?.remove();
  dir = null;
});

async function store(): Promise<{ db: Db; store: DownloadStore }> {
  dir = await makeTempDir();
  db = openDatabase(join(dir.path, 'shoal.db'));
  return { db, store: new DownloadStore(db) };
}

function record(id: string, error: DownloadRecord['error']): DownloadRecord {
  return {
    id, fileId: 'a'.repeat(64), name: 'f.bin', size: null, pieceSize: null, pieceHashes: null, bitfield: null, state: 'failed',
    directory: '/tmp', partialPath: null, finalPath: null, peer: null, sources: [], error, createdAt: 1, updatedAt: 1, completedAt: null,
  };
}

describe('download error codes', () => {
  it('are the only codes a download view may carry', () => {
    const view = {
      id: '00000000-0000-4000-8000-000000000000', fileId: 'a'.repeat(64), name: 'f.bin', size: null, state: 'failed',
      bytesVerified: 0, piecesVerified: 0, pieceCount: null, speed: 0, etaSeconds: null, sources: [], path: null,
      createdAt: new Date(0).toISOString(), completedAt: null,
    };
    for (const code of downloadErrorCodeSchema.options) expect(downloadViewSchema.safeParse({ ...view, error: { code, message: 'm' } }).success).toBe(true);
    expect(downloadViewSchema.safeParse({ ...view, error: { code: 'NO_SOURCES', message: 'm' } }).success).toBe(false);
  });

  it('come back from the downloads table as saved, each of them', async () => {
    const { store: s } = await store();
    const ids = downloadErrorCodeSchema.options.map((code, i) => {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      s.save(record(id, { code, message: `because ${code}` }));
      return [id, code] as const;
    });
    const read = new Map(s.all().map((r) => [r.id, r.error]));
    for (const [id, code] of ids) expect(read.get(id)).toEqual({ code, message: `because ${code}` });
  });

  it('read a code this release does not know (a newer one wrote it) as WRITE_FAILED, keeping its message', async () => {
    const { db: d, store: s } = await store();
    const id = '00000000-0000-4000-8000-000000000099';
    s.save(record(id, { code: 'NO_SOURCE', message: 'from a newer Shoal' }));
    d.prepare('UPDATE downloads SET error_code = ? WHERE id = ?').run('SOME_NEWER_CODE', id);
    expect(s.all().find((r) => r.id === id)?.error).toEqual({ code: 'WRITE_FAILED', message: 'from a newer Shoal' });
  });
});
