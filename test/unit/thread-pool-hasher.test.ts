// Shared files hashed on libuv's thread pool by the native addon (thread-pool-hasher.ts) give what
// file-hasher.ts gives in TypeScript, byte for byte: the id, the piece layer, the piece size, the
// first bytes and the stamp the library compares with its own lstat. And it refuses what a hash
// worker refuses: links, folders, devices, missing files, a file whose size moved.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { EMPTY_FILE_ID } from '../../src-main/core/hashing/merkle-tree.js';
import { FileChangedWhileHashingError, hashFile, MAGIC_BYTES } from '../../src-main/core/hashing/file-hasher.js';
import { loadNativeLeafHash } from '../../src-main/core/hashing/leaf-hasher.js';
import { ThreadPoolHasher } from '../../src-main/core/hashing/thread-pool-hasher.js';
import { makeTempDir } from '../support/temp-dir.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const nativeHashFile = loadNativeLeafHash()?.hashFile;

describe.skipIf(!nativeHashFile)('ThreadPoolHasher (the native addon on libuv threads)', () => {
  let dir: { path: string; remove(): Promise<void> };
  let hasher: ThreadPoolHasher;
  beforeEach(async () => {
    dir = await makeTempDir('shoal-uv-hash-');
    // Parts from 1 MiB on, so small test files are hashed in parts too.
    hasher = new ThreadPoolHasher(nativeHashFile!, { size: 2, splitMinBytes: MiB });
  });
  afterEach(async () => {
    await hasher.close();
    await dir.remove();
  });

  function fileOf(name: string, bytes: Buffer): string {
    const path = join(dir.path, name);
    writeFileSync(path, bytes);
    return path;
  }

  it('gives the results of hashFile at every size that crosses a leaf, a piece or a part, whole and in parts', async () => {
    const sizes = [0, 1, 16 * KiB - 1, 16 * KiB, 16 * KiB + 1, 3 * 16 * KiB, 256 * KiB, 256 * KiB + 1, 17 * 80 * KiB + 3, 3 * MiB + 5, 9 * MiB + 16 * KiB];
    for (const size of sizes) {
      const path = fileOf(`f${size}.bin`, randomBytes(size));
      const expected = await hashFile(path);
      const stat = statSync(path);
      // Without a size the file is hashed whole; with it, a file past 1 MiB is hashed in parts.
      for (const given of [undefined, size]) {
        const got = await hasher.hash(path, undefined, given);
        const where = `size ${size}, given ${given}`;
        expect(got.id, where).toBe(expected.id);
        expect(got.pieceSize, where).toBe(pieceSizeFor(size));
        expect(got.pieceHashes.equals(expected.pieceHashes), where).toBe(true);
        expect(got.magic.equals(expected.magic), where).toBe(true);
        expect(got.magic.length, where).toBe(Math.min(size, MAGIC_BYTES));
        expect([got.size, got.mtimeMs, got.ino], where).toEqual([size, stat.mtimeMs, stat.ino]);
      }
    }
    expect((await hasher.hash(join(dir.path, 'f0.bin'))).id).toBe(EMPTY_FILE_ID);
  }, 60_000);

  it('uses a larger piece size for a large file, as hashFile does (sparse, so nothing big is written)', async () => {
    const path = join(dir.path, 'sparse.bin');
    const size = 2000 * 256 * KiB + 1;
    const handle = await open(path, 'w');
    await handle.truncate(size);
    await handle.close();
    const expected = await hashFile(path);
    const got = await hasher.hash(path, undefined, size);
    expect(got.pieceSize).toBe(512 * KiB);
    expect(got.id).toBe(expected.id);
    expect(got.pieceHashes.equals(expected.pieceHashes)).toBe(true);
  }, 60_000);

  it('reports the bytes of each part as it ends, ending with the size', async () => {
    const size = 6 * MiB + 7;
    const path = fileOf('progress.bin', randomBytes(size));
    const seen: number[] = [];
    await hasher.hash(path, (n) => seen.push(n), size);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(size);
  });

  it('never follows a link, never opens a folder, a FIFO or a device, and says ENOENT for a missing file', async () => {
    const target = fileOf('target.bin', randomBytes(100));
    symlinkSync(target, join(dir.path, 'link'));
    const fifo = join(dir.path, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const path of [join(dir.path, 'link'), dir.path, fifo, '/dev/zero']) {
      await expect(hasher.hash(path), path).rejects.toMatchObject({ code: 'NOT_A_FILE' });
    }
    await expect(hasher.hash(join(dir.path, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says the file changed when it is not the size its parts were planned for', async () => {
    const path = fileOf('moved.bin', randomBytes(3 * MiB));
    const err = await hasher.hash(path, undefined, 3 * MiB - 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileChangedWhileHashingError);
    expect((err as Error).message).toContain(`size ${3 * MiB - 1} -> ${3 * MiB}`);
  });

  it('leaves libuv at least one thread of its own, whatever size it is asked for', () => {
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    expect(new ThreadPoolHasher(nativeHashFile!, { size: 64 }).size).toBe(threads - 1);
    expect(new ThreadPoolHasher(nativeHashFile!, { size: 1 }).size).toBe(1);
  });

  it('hashes at most `size` files at once, and after close() fails what waits', async () => {
    const paths = [0, 1, 2, 3, 4, 5].map((i) => fileOf(`q${i}.bin`, randomBytes(2 * MiB)));
    let running = 0;
    let most = 0;
    let twoRunning = () => {};
    const counted = new ThreadPoolHasher(async (...args) => {
      running++;
      most = Math.max(most, running);
      if (running === 2) twoRunning();
      try {
        return await nativeHashFile!(...args);
      } finally {
        running--;
      }
    }, { size: 2 });
    expect(await Promise.all(paths.map((path) => counted.hash(path).then((r) => r.size)))).toEqual(paths.map(() => 2 * MiB));
    expect(most).toBe(2);

    const bothStarted = new Promise<void>((resolve) => (twoRunning = resolve));
    const outcomes = paths.map((path) => counted.hash(path).then(() => 'hashed', (err: Error) => err.message));
    await bothStarted;
    await counted.close();
    const settled = await Promise.all(outcomes);
    expect(settled.slice(0, 2)).toEqual(['hashed', 'hashed']); // already on a thread: it is not stopped
    for (const outcome of settled.slice(2)) expect(outcome).toMatch(/closed/);
    await expect(counted.hash(paths[0]!)).rejects.toThrow(/closed/);
  });
});
