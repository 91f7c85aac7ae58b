import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile } from '../../src-main/core/hashing/file-hasher.js';
import { BATCH_BYTES, BATCH_FILES, takeBatch } from '../../src-main/core/hashing/hash-batch.js';
import { HashPool } from '../../src-main/core/hashing/hash-pool.js';

const MiB = 1024 * 1024;

describe('takeBatch', () => {
  const sized = (...sizes: (number | undefined)[]) => sizes.map((size, i) => ({ i, size }));

  it('groups small files up to BATCH_BYTES, leaving the rest queued', () => {
    const queue = sized(MiB, MiB, MiB, MiB, MiB, 10);
    expect(takeBatch(queue).map((j) => j.i)).toEqual([0, 1, 2, 3]);
    expect(queue.map((j) => j.i)).toEqual([4, 5]);
  });

  it('stops at BATCH_FILES files', () => {
    const queue = sized(...Array.from({ length: BATCH_FILES + 5 }, () => 8192));
    expect(takeBatch(queue)).toHaveLength(BATCH_FILES);
    expect(queue).toHaveLength(5);
  });

  it('sends a large file or one of unknown size alone', () => {
    const queue = sized(BATCH_BYTES, 10, undefined, 10, 20);
    expect(takeBatch(queue).map((j) => j.i)).toEqual([0]);
    expect(takeBatch(queue).map((j) => j.i)).toEqual([1]);
    expect(takeBatch(queue).map((j) => j.i)).toEqual([2]);
    expect(takeBatch(queue).map((j) => j.i)).toEqual([3, 4]);
    expect(takeBatch(queue)).toEqual([]);
  });
});

describe('HashPool batches', () => {
  let dir: string;
  let pool: HashPool | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-batch-'));
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function fileOf(name: string, size: number): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, randomBytes(size));
    return path;
  }

  it('hashes many small files sent in batches with the same results as hashFile, failing only a missing one', async () => {
    const sizes = Array.from({ length: 150 }, (_, i) => (i % 7) * 1000 + (i % 3 === 0 ? 300_000 : 1));
    const paths = await Promise.all(sizes.map((size, i) => fileOf(`s${i}.bin`, size)));
    const missing = join(dir, 'missing.bin');
    pool = new HashPool({ size: 2 });
    const hashing = paths.map((path, i) => pool!.hash(path, undefined, sizes[i]));
    const failed = pool.hash(missing, undefined, 100);
    const more = paths.slice(0, 3).map((path, i) => pool!.hash(path, undefined, sizes[i]));
    await expect(failed).rejects.toMatchObject({ code: 'ENOENT' });
    const results = await Promise.all([...hashing, ...more]);
    for (const [i, result] of results.entries()) {
      const expected = await hashFile(paths[i % paths.length]!);
      expect(result.id).toBe(expected.id);
      expect(result.size).toBe(expected.size);
      expect(result.pieceHashes.equals(expected.pieceHashes)).toBe(true);
    }
    expect(pool.queued).toBe(0);
    expect(pool.active).toBe(0);
  });

  it('does not bind a large file to a worker still busy with another: it waits for the first free one', async () => {
    const size = 48 * MiB;
    const paths = await Promise.all([0, 1, 2].map((i) => fileOf(`big${i}.bin`, size)));
    pool = new HashPool({ size: 2 });
    const hashing = paths.map((path) => pool!.hash(path, undefined, size));
    await Promise.resolve(); // past the deferred dispatch
    const assigned = (pool as unknown as { assigned: Map<Worker, unknown[]> }).assigned;
    expect([...assigned.values()].map((jobs) => jobs.length)).toEqual([1, 1]);
    expect(pool.queued).toBe(1);
    const results = await Promise.all(hashing);
    for (const [i, result] of results.entries()) expect(result.id).toBe((await hashFile(paths[i]!)).id);
  });
});
