// The background SHA-256: a real database, real files and the real hash thread.
import { randomBytes } from 'node:crypto';
import { appendFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HashThread } from '../../src-main/core/hashing/hash-thread.js';
import { ContentSha256 } from '../../src-main/core/library/content-sha256.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { LibraryStore } from '../../src-main/core/store/library-store.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sha256 } from '../support/sha256.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});


async function setup() {
  const dir = await makeTempDir();
  const db = openDatabase(join(dir.path, 'shoal.db'));
  const store = new LibraryStore(db);
  const hashThread = new HashThread();
  cleanups.push(() => dir.remove(), () => void db.close(), () => hashThread.close());
  const add = async (name: string, content: Buffer, id: string) => {
    const path = join(dir.path, name);
    await writeFile(path, content);
    const st = await stat(path);
    store.recordLocation(
      { id, size: content.length, pieceSize: 262144, pieceHashes: Buffer.alloc(32), mime: 'application/octet-stream', category: 'other', sharedAt: 1 },
      { path, fileId: id, root: dir.path, name, size: st.size, mtimeMs: st.mtimeMs, inode: st.ino, addedAt: 1 },
    );
    return path;
  };
  return { store, hashThread, add };
}

describe('ContentSha256', () => {
  it('hashes every file while idle, stops mid-file when the node gets busy, and goes on later', async () => {
    const { store, hashThread, add } = await setup();
    const big = randomBytes(3 * 1024 * 1024 + 5);
    const small = randomBytes(100);
    await add('big.bin', big, 'a'.repeat(64));
    await add('small.bin', small, 'b'.repeat(64));
    let busy = false;
    let steps = 0;
    const service = new ContentSha256({
      store, hashThread, logger: pino({ level: 'silent' }), idleCheckMs: 20, stepBytes: 1024 * 1024,
      busy: () => {
        steps++;
        if (steps === 3) busy = true; // the node gets busy after the big file's second step
        return busy;
      },
    });
    cleanups.push(() => service.close());
    service.start();
    await pollUntil(() => busy && steps > 5, 'a few busy checks');
    expect(store.getFile('a'.repeat(64))?.sha256).toBeNull(); // interrupted, not half-written
    busy = false;
    await pollUntil(() => store.getFile('b'.repeat(64))?.sha256 ?? undefined, 'both hashed');
    expect(store.getFile('a'.repeat(64))?.sha256).toBe(sha256(big));
    expect(store.getFile('b'.repeat(64))?.sha256).toBe(sha256(small));
  });

  it('keeps no digest of a file that changed since it was indexed', async () => {
    const { store, hashThread, add } = await setup();
    const path = await add('edited.bin', randomBytes(1000), 'c'.repeat(64));
    await appendFile(path, 'more');
    const done = await add('fine.bin', Buffer.from('fine'), 'd'.repeat(64));
    const service = new ContentSha256({ store, hashThread, logger: pino({ level: 'silent' }), idleCheckMs: 20, busy: () => false });
    cleanups.push(() => service.close());
    service.start();
    await pollUntil(() => store.getFile('d'.repeat(64))?.sha256 ?? undefined, `${done} hashed`);
    expect(store.getFile('c'.repeat(64))?.sha256).toBeNull();
  });
});
