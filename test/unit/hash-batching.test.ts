import { describe, expect, it } from 'vitest';
import { BATCH_BYTES, BATCH_FILES, takeBatch } from '../../src-main/core/hashing/hash-batch.js';

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
