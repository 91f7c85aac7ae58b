// Sharing again what was unshared (issue 16, item 15), over real HTTP: a file unchanged since its
// unshare is shared at once under the id it had, with its pieces, tags and SHA-256, and nothing is
// hashed (the hashing counters say so); a file changed in between (new bytes and mtime, a new size,
// or another file put in its place with the old mtime restored) is hashed again and gets its new id.
import { randomBytes } from 'node:crypto';
import { appendFile, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashingStatus, SharedFile } from '../../src-shared/api/library.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

let n: TestNode;
/** Several pieces (the smallest piece is 256 KiB), so a piece list is kept, not only an id. */
const SIZE = 700 * 1024;
const names = ['same.bin', 'edited.bin', 'grown.bin', 'swapped.bin'];

const hashing = async (): Promise<HashingStatus> => (await n.client.getStats()).hashing;
const fileAt = async (path: string): Promise<SharedFile | undefined> => {
  const page = await n.client.listFiles({ query: { pageSize: 200 } });
  return page.items.find((f) => f.paths?.includes(path));
};
const getFile = (fileId: string) => n.client.getFile({ params: { fileId } });
const pieces = (fileId: string) => n.client.getPieces({ params: { fileId } });
const unshare = async (id: string) => expect((await n.client.unshareFiles({ body: { ids: [id] } })).succeeded).toBe(1);
const reshare = async (path: string) => expect((await n.client.reshareFiles({ body: { paths: [path] } })).succeeded).toBe(1);

/** Unshares the file at `path`, changes it with `change`, shares it again: its id before and after, and the hashing counters meanwhile. */
async function changeWhileUnshared(path: string, change: () => Promise<void>): Promise<{ before: string; after: string; hashedBefore: number; hashedAfter: number }> {
  const before = (await fileAt(path))!.id;
  await unshare(before);
  await change();
  const hashedBefore = (await hashing()).hashedFiles;
  await reshare(path);
  const after = await pollUntil(async () => (await fileAt(path))?.id, `${path} to be shared again`, 20_000);
  return { before, after, hashedBefore, hashedAfter: (await hashing()).hashedFiles };
}

beforeAll(async () => {
  n = await startTestNode();
  // Each file is made whole beside the shared folder and moved in: set in place, the mtime below
  // could land after the watcher had settled the write (a loaded machine), and the file would be
  // hashed twice, the second time during the first test's count.
  for (const name of names) await writeFile(join(n.root, name), randomBytes(SIZE));
  // A whole second, which utimes can restore exactly (a stat's sub-millisecond digits it cannot).
  const second = Math.floor(Date.now() / 1000) - 60;
  await utimes(join(n.root, 'swapped.bin'), second, second);
  for (const name of names) await rename(join(n.root, name), join(n.sharedDir, name));
  await pollUntil(async () => {
    const all = await Promise.all(names.map((name) => fileAt(join(n.sharedDir, name))));
    return all.every((f) => f !== undefined);
  }, 'the files to be shared', 20_000);
  await n.library.whenIdle();
}, 30_000);
afterAll(() => n?.destroy());

describe('sharing again a file unchanged since it was unshared', () => {
  it('hashes nothing and finds it at once under the same id, with its pieces, tags and SHA-256', async () => {
    const path = join(n.sharedDir, 'same.bin');
    const id = (await fileAt(path))!.id;
    await n.client.tagFiles({ body: { ids: [id], add: ['holiday'] } });
    // The background SHA-256 is kept too: it is not read again after the reshare.
    const sha256 = await pollUntil(async () => (await getFile(id)).sha256, 'the SHA-256 to be computed', 20_000);
    const piecesBefore = await pieces(id);

    await unshare(id);
    await expect(getFile(id)).rejects.toMatchObject({ status: 404 });
    const before = await hashing();
    await reshare(path);

    // The reshare queued nothing to hash, and the file is there the moment it answered.
    const after = await hashing();
    expect(after).toMatchObject({ queuedFiles: 0, activeFiles: 0, hashedFiles: before.hashedFiles, hashedBytes: before.hashedBytes });
    const file = await getFile(id);
    expect(file).toMatchObject({ id, size: SIZE, userTags: ['holiday'], sha256, paths: [path] });
    expect(await pieces(id)).toEqual(piecesBefore);
    // Served as before: the stamp it was recorded with is the file's (raw: the bytes are read).
    const download = await n.api(`/api/v1/download/${id}`, { auth: false });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(await readFile(path))).toBe(true);
    expect((await n.client.listUnshared()).total).toBe(0);
  });
});

describe('sharing again a file changed while it was unshared', () => {
  it('hashes it again when its bytes and mtime changed, its size not', async () => {
    const path = join(n.sharedDir, 'edited.bin');
    const result = await changeWhileUnshared(path, async () => {
      const old = await stat(path);
      await writeFile(path, randomBytes(SIZE)); // in place: the same inode
      await utimes(path, old.atime, new Date(old.mtimeMs + 5_000));
      expect((await stat(path)).ino).toBe(old.ino);
    });
    expect(result.after).not.toBe(result.before);
    expect(result.hashedAfter).toBeGreaterThan(result.hashedBefore);
    await expect(getFile(result.before)).rejects.toMatchObject({ status: 404 });
  });

  it('hashes it again when its size changed', async () => {
    const path = join(n.sharedDir, 'grown.bin');
    const result = await changeWhileUnshared(path, () => appendFile(path, 'more'));
    expect(result.after).not.toBe(result.before);
    expect(result.hashedAfter).toBeGreaterThan(result.hashedBefore);
    expect((await fileAt(path))!.size).toBe(SIZE + 4);
  });

  it('hashes it again when another file of the same size took its place with the old mtime restored', async () => {
    const path = join(n.sharedDir, 'swapped.bin');
    const result = await changeWhileUnshared(path, async () => {
      const old = await stat(path);
      const copy = join(n.root, 'swapped.tmp'); // outside the shared folder, on the same disk
      await writeFile(copy, randomBytes(SIZE));
      await utimes(copy, old.atimeMs / 1000, old.mtimeMs / 1000); // a whole second (beforeAll)
      await rename(copy, path); // the old file is unlinked only now: the new one has another inode
      const now = await stat(path);
      expect([now.size, now.mtimeMs, now.ino === old.ino]).toEqual([old.size, old.mtimeMs, false]);
    });
    expect(result.after).not.toBe(result.before);
    expect(result.hashedAfter).toBeGreaterThan(result.hashedBefore);
  });
});
