// A big file hashed in parts (file-parts.ts): the parts cover the file at piece boundaries, and
// the layer joined from their nodes gives exactly the id and piece layer of a single pass.
import { randomBytes } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileChangedWhileHashingError, hashFile, hashFilePart } from '../../src-main/core/hashing/file-hasher.js';
import { joinParts, planParts, SPLIT_MIN_BYTES } from '../../src-main/core/hashing/file-parts.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';

const MiB = 1024 * 1024;

describe('planParts', () => {
  it('leaves a file under the threshold, or a pool of one worker, whole', () => {
    expect(planParts(SPLIT_MIN_BYTES - 1, 4)).toEqual([]);
    expect(planParts(SPLIT_MIN_BYTES * 4, 1)).toEqual([]);
    expect(planParts(200 * 1024, 4, 1)).toEqual([]); // one piece: nothing to share out
  });

  it.each([
    [SPLIT_MIN_BYTES, 2, 2],
    [SPLIT_MIN_BYTES + 12345, 3, 3],
    [1024 * MiB, 2, 4], // at most 256 MiB a part, so a free worker can take the next
    [3 * MiB + 5, 5, 5],
  ])('cuts %i bytes for %i workers into %i parts at piece boundaries, covering the file', (size, workers, count) => {
    const parts = planParts(size, workers, 1);
    expect(parts).toHaveLength(count);
    const pieceSize = pieceSizeFor(size);
    expect(parts[0]!.start).toBe(0);
    expect(parts.at(-1)!.end).toBe(size);
    for (const [i, part] of parts.entries()) {
      expect(part.start % pieceSize).toBe(0);
      expect(part.fileSize).toBe(size);
      if (i > 0) expect(part.start).toBe(parts[i - 1]!.end);
    }
  });

  it('keeps each part near the most it is given (the thread-pool hasher asks for short turns)', () => {
    const size = 1024 * MiB + 7;
    const parts = planParts(size, 2, 1, 32 * MiB);
    expect(parts).toHaveLength(33); // 1,024 MiB and 7 bytes, at most ~32 MiB (whole pieces) a part
    for (const part of parts) expect(part.end - part.start).toBeLessThanOrEqual(32 * MiB + pieceSizeFor(size));
    expect(parts.at(-1)!.end).toBe(size);
  });
});

describe('hashing in parts', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-parts-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it.each([
    [3 * MiB + 5, 2], // a short last piece in the last part
    [4 * MiB, 3], // pieces that do not share out evenly
    [4 * MiB + 16 * 1024, 5], // a last piece of one whole block
    [2 * MiB + 1, 7], // more workers than it has pieces
  ])('gives the id and layer of one pass for %i bytes in parts for %i workers', async (size, workers) => {
    const path = join(dir, 'f.bin');
    writeFileSync(path, randomBytes(size));
    const parts = planParts(size, workers, 1);
    expect(parts.length).toBeGreaterThan(1);
    const results = await Promise.all(parts.map((part) => hashFilePart(path, part, { bufferSize: 100_000 })));
    expect(results.slice(1).every((r) => r.magic.length === 0)).toBe(true);
    const joined = joinParts(path, size, results);
    const whole = await hashFile(path);
    expect(joined.id).toBe(whole.id);
    expect(joined.pieceHashes.equals(whole.pieceHashes)).toBe(true);
    expect({ ...joined, pieceHashes: null }).toEqual({ ...whole, pieceHashes: null });
  });

  it('refuses parts that saw different files, and a part of a file whose size changed since it was planned', async () => {
    const path = join(dir, 'f.bin');
    writeFileSync(path, randomBytes(3 * MiB));
    const [a, b] = planParts(3 * MiB, 2, 1) as [ReturnType<typeof planParts>[0], ReturnType<typeof planParts>[0]];
    const first = await hashFilePart(path, a);
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const second = await hashFilePart(path, b);
    expect(() => joinParts(path, 3 * MiB, [first, second])).toThrow(FileChangedWhileHashingError);
    await expect(hashFilePart(path, { ...a, fileSize: 3 * MiB + 1 })).rejects.toBeInstanceOf(FileChangedWhileHashingError);
  });
});
