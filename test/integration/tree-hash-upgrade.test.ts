// Upgrading a node whose database predates tree-hash ids (migration 4): its library is hashed
// anew (tags kept), the index forgets the old ids, an unfinished download under an old id is
// cancelled with a message saying why and its partial file deleted, and the whole-content SHA-256
// is then computed in the background.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/core/store/database.js';
import { migrations } from '../../src-main/core/store/migrations.js';
import { pollUntil } from '../support/poll.js';
import { fileIdOf } from '../support/reference-tree.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { sha256 } from '../support/sha256.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('upgrading to tree-hash ids', () => {
  it('re-hashes the library once, keeps its tags, and cancels a paused download with a reason', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const shared = join(dir.path, 'shared');
    const downloads = join(dir.path, 'downloads');
    await mkdir(shared, { recursive: true });
    await mkdir(downloads, { recursive: true });
    await mkdir(join(dir.path, 'data'), { recursive: true });
    const content = randomBytes(700_000); // three pieces: its old id (SHA-256) and new id differ
    const path = join(shared, 'song.flac');
    await writeFile(path, content);
    const st = await stat(path);
    const oldId = sha256(content);
    const partial = join(downloads, 'movie.mkv.shoal-partial');
    await writeFile(partial, randomBytes(1000));

    // A database as the previous release left it: the file hashed and tagged under its old id,
    // and a paused download.
    const db = openDatabase(join(dir.path, 'data', 'shoal.db'), migrations.filter((m) => m.version <= 3));
    db.prepare(`INSERT INTO files (id, size, piece_size, piece_hashes, mime, category, user_tags, shared_at)
      VALUES (?, ?, 262144, ?, 'audio/flac', 'audio', '["live"]', 1)`).run(oldId, content.length, Buffer.alloc(96));
    db.prepare(`INSERT INTO locations (path, file_id, root, name, size, mtime_ms, inode, added_at)
      VALUES (?, ?, ?, 'song.flac', ?, ?, ?, 1)`).run(path, oldId, shared, content.length, st.mtimeMs, st.ino);
    db.prepare(`INSERT INTO downloads (id, file_id, name, size, piece_size, piece_hashes, bitfield, state, directory, partial_path, created_at, updated_at)
      VALUES (?, ?, 'movie.mkv', 2000000, 262144, ?, ?, 'paused', ?, ?, 1, 1)`).run(randomUUID(), sha256(Buffer.from('movie')), Buffer.alloc(256), Buffer.alloc(1), downloads, partial);
    db.prepare(`INSERT INTO index_peers (peer_id, name, address, port, status, registered_at, last_seen) VALUES ('old', 'old', '10.0.0.1', 9001, 'online', 1, 1)`).run();
    db.close();

    const node: TestNode = await startTestNode({ root: dir.path, peer: { download_directory: downloads } });
    cleanups.push(() => node.stop());
    const file = await pollUntil(async () => {
      const { items } = await node.client.listFiles();
      return items.length === 1 && items[0]?.id !== oldId ? items[0] : undefined;
    }, 'the library re-hashed');
    expect(file.id).toBe(fileIdOf(content));
    expect(file.userTags).toEqual(['live']);
    expect(file.pieceCount).toBe(3);

    const { items: list } = await node.client.listDownloads();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ state: 'cancelled', error: { code: 'FILE_ID_CHANGED' } });
    expect(list[0]?.error?.message).toMatch(/Search for the file again/);
    await pollUntil(() => !existsSync(partial), 'the partial file deleted');

    // Idle again, the node computes the plain SHA-256 (for Metalink clients and sha256sum users).
    const withSha = await pollUntil(async () => {
      const f = await node.client.getFile({ params: { fileId: file.id } });
      return f.sha256 ? f : undefined;
    }, 'the whole-content SHA-256');
    expect(withSha.sha256).toBe(oldId);
    expect((await node.client.getPieces({ params: { fileId: file.id } })).sha256).toBe(oldId);

    // What peers told this node's index under old ids is gone: they register again.
    await node.stop();
    const after = openDatabase(join(dir.path, 'data', 'shoal.db'));
    expect(after.prepare('SELECT count(*) AS n FROM index_peers').get()).toEqual({ n: 0 });
    after.close();
  });
});
