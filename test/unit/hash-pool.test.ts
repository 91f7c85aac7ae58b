import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileChangedWhileHashingError, hashFile } from '../../src-main/core/hashing/file-hasher.js';
import { HashPool } from '../../src-main/core/hashing/hash-pool.js';
import { pollUntil } from '../support/poll.js';

const MiB = 1024 * 1024;

describe('HashPool', () => {
  let dir: string;
  let pool: HashPool | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-pool-'));
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

  it('hashes several files in parallel with the same results as hashFile', async () => {
    const paths = await Promise.all([0, 3, 300_000, 2 * MiB + 1, 9 * MiB, 600_000].map((size, i) => fileOf(`f${i}.bin`, size)));
    pool = new HashPool({ size: 2 });
    const hashing = paths.map((path) => pool!.hash(path));
    expect(pool.active).toBe(2);
    expect(pool.queued).toBe(paths.length - 2);
    const results = await Promise.all(hashing);
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
    for (const [i, path] of paths.entries()) {
      const expected = await hashFile(path);
      const result = results[i]!;
      expect(Buffer.isBuffer(result.pieceHashes)).toBe(true);
      expect(result.pieceHashes.equals(expected.pieceHashes)).toBe(true);
      expect({ ...result, pieceHashes: null }).toEqual({ ...expected, pieceHashes: null });
    }
  });

  it('hashes big files in parts on several workers at once, with the results of hashFile', async () => {
    const sizes = [3 * MiB + 5, 5 * MiB, 300_000, 4 * MiB + 16 * 1024];
    const paths = await Promise.all(sizes.map((size, i) => fileOf(`p${i}.bin`, size)));
    pool = new HashPool({ size: 3, splitMinBytes: MiB });
    const seen: number[] = [];
    const first = pool.hash(paths[0]!, (n) => seen.push(n), sizes[0]);
    expect(pool.active).toBe(3); // the first file alone keeps every worker busy
    const results = await Promise.all([first, ...paths.slice(1).map((path, i) => pool!.hash(path, undefined, sizes[i + 1]))]);
    for (const [i, path] of paths.entries()) {
      const expected = await hashFile(path);
      expect(results[i]!.pieceHashes.equals(expected.pieceHashes)).toBe(true);
      expect({ ...results[i], pieceHashes: null }).toEqual({ ...expected, pieceHashes: null });
    }
    expect(seen.at(-1)).toBe(sizes[0]); // the parts' progress adds up to the file
    // A file whose size is not what the caller saw has changed since: one rejection, whatever the parts do.
    await expect(pool.hash(paths[1]!, undefined, 5 * MiB + 1)).rejects.toBeInstanceOf(FileChangedWhileHashingError);
  });

  it('reports progress of a large file', async () => {
    const path = await fileOf('big.bin', 20 * MiB);
    pool = new HashPool({ size: 1 });
    const seen: number[] = [];
    const result = await pool.hash(path, (n) => seen.push(n));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe(result.size);
  });

  it('rejects a missing file with its ENOENT code, and keeps working', async () => {
    pool = new HashPool({ size: 1 });
    await expect(pool.hash(join(dir, 'missing.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    const path = await fileOf('after.bin', 10);
    await expect(pool.hash(path)).resolves.toMatchObject({ size: 10 });
  });

  it('rebuilds FileChangedWhileHashingError on the main side', async () => {
    // The first progress report comes at 8 MiB; appending then lands long before the worker's
    // closing stat of a 64 MiB file, so the worker sees the change.
    const path = await fileOf('growing.bin', 64 * MiB);
    pool = new HashPool({ size: 1 });
    const outcome = await pool.hash(path, () => appendFileSync(path, 'x')).then(() => 'hashed', (err: unknown) => err);
    expect(outcome).toBeInstanceOf(FileChangedWhileHashingError);
    expect((outcome as Error).message).toMatch(/changed while it was being hashed/);
  });

  it('close() rejects queued and running jobs, and later calls', async () => {
    const paths = await Promise.all([0, 1, 2, 3].map((i) => fileOf(`q${i}.bin`, 8 * MiB)));
    pool = new HashPool({ size: 1 });
    const outcomes = paths.map((path) => pool!.hash(path).then(() => 'hashed', (err: Error) => err.message));
    expect(pool.queued).toBe(3);
    await pool.close();
    const settled = await Promise.all(outcomes);
    for (const outcome of settled.slice(1)) expect(outcome).toMatch(/closed/);
    expect(pool.queued).toBe(0);
    expect(pool.active).toBe(0);
    await expect(pool.hash(paths[0]!)).rejects.toThrow(/closed/);
  });

  it('replaces a worker that dies, failing only its job', async () => {
    const path = await fileOf('survivor.bin', 1000);
    // Idle workers must not be stopped while the big file is written: this is about crashes.
    pool = new HashPool({ size: 1, idleMs: 60_000 });
    await pool.hash(path); // the worker now exists and is idle
    // Reach the private worker set: a crash is otherwise impossible to provoke deterministically.
    const workers = (pool as unknown as { workers: Set<Worker> }).workers;
    const [worker] = [...workers];
    const running = pool.hash(await fileOf('big.bin', 128 * MiB));
    // Kill it once it holds the job (not before: the pool would give the job to a new worker).
    const assigned = (pool as unknown as { assigned: Map<Worker, unknown[]> }).assigned;
    await pollUntil(() => (assigned.get(worker!)?.length ?? 0) > 0, 'the job to reach the worker', 10_000, 1);
    await worker!.terminate();
    await expect(running).rejects.toThrow(/exited/);
    await expect(pool.hash(path)).resolves.toMatchObject({ size: 1000 });
  });

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

describe('HashPool idle workers', () => {
  let dir: string;
  let pool: HashPool | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-pool-idle-'));
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('stops its workers once idle, and starts them again for the next file', async () => {
    const path = join(dir, 'a.bin');
    await writeFile(path, randomBytes(1000));
    pool = new HashPool({ size: 2, idleMs: 100 });
    expect(pool.workerCount).toBe(0);
    await Promise.all([pool.hash(path), pool.hash(path)]);
    expect(pool.workerCount).toBe(2);
    await pollUntil(() => pool?.workerCount === 0, 'idle workers stopped');
    await expect(pool.hash(path)).resolves.toMatchObject({ size: 1000 });
    expect(pool.workerCount).toBe(1);
  });

  it('keeps its workers while files keep coming', async () => {
    const path = join(dir, 'b.bin');
    await writeFile(path, randomBytes(1000));
    pool = new HashPool({ size: 1, idleMs: 60_000 });
    await pool.hash(path);
    const workers = (pool as unknown as { workers: Set<Worker> }).workers;
    const [first] = [...workers];
    await pool.hash(path);
    expect([...workers]).toEqual([first]);
  });
});
