// Progress through a file as the union of the ranges sent: exact against a byte map for random
// ranges, cheap for a range sent in many chunks, and bounded in memory for scattered tiny ranges.
import { describe, expect, it } from 'vitest';
import { CoveredBytes, MAX_INTERVALS } from '../../src-main/core/transfers/covered-bytes.js';

/** A small deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

describe('CoveredBytes', () => {
  it('counts each byte once, however the ranges overlap, touch or repeat', () => {
    const next = random(7);
    for (let round = 0; round < 20; round++) {
      const size = 500;
      const sent = new Uint8Array(size);
      const covered = new CoveredBytes();
      for (let k = 0; k < 60; k++) {
        const start = Math.floor(next() * size);
        const end = Math.min(size, start + Math.floor(next() * 40));
        covered.add(start, end);
        sent.fill(1, start, end);
        expect(covered.bytes).toBe(sent.reduce((sum, b) => sum + b, 0));
      }
    }
  });

  it('ignores empty ranges and merges adjacent ones', () => {
    const covered = new CoveredBytes();
    covered.add(10, 10);
    covered.add(20, 10);
    expect(covered.bytes).toBe(0);
    covered.add(0, 10);
    covered.add(10, 20);
    expect(covered.bytes).toBe(20);
    expect(covered.count).toBe(1);
  });

  it('keeps one interval for a range sent in many chunks', () => {
    const covered = new CoveredBytes();
    for (let position = 0; position < 1_000_000; position += 1000) covered.add(position, position + 1000);
    expect(covered.bytes).toBe(1_000_000);
    expect(covered.count).toBe(1);
  });

  it('caps its intervals for many tiny scattered ranges, never counting a byte not sent nor going down', () => {
    const covered = new CoveredBytes();
    let previous = 0;
    for (let i = 0; i < 5 * MAX_INTERVALS; i++) {
      covered.add(i * 10, i * 10 + 1); // one byte in ten
      expect(covered.count).toBeLessThanOrEqual(MAX_INTERVALS);
      expect(covered.bytes).toBeGreaterThanOrEqual(previous);
      expect(covered.bytes).toBeLessThanOrEqual(i + 1);
      previous = covered.bytes;
    }
    expect(covered.bytes).toBe(5 * MAX_INTERVALS); // each byte was outside the intervals when it came
  });
});
