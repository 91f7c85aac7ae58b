// The transfer rate limit's token bucket on a fake clock: the rate it lets through is exact to
// within the bucket, whatever the machine's load (the integration test, on the wall clock, can
// only hold the ceiling).
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src-main/core/transfers/rate-limiter.js';

const MiB = 1024 * 1024;

/** A clock that moves only when told. */
function fakeClock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

/** Moves `total` bytes in `chunk`s, waiting as told (plus `lateMs` a wait, a busy timer): bytes/s. */
function transfer(limiter: RateLimiter, clock: ReturnType<typeof fakeClock>, total: number, chunk: number, lateMs = 0): number {
  const started = clock.now();
  for (let moved = 0; moved < total; moved += chunk) {
    const wait = limiter.consume(chunk);
    if (wait > 0) clock.advance(wait + lateMs);
  }
  return total / ((clock.now() - started) / 1000);
}

describe('RateLimiter', () => {
  it('holds a rate within 10 % over seconds, in chunks of any size', () => {
    for (const chunk of [16 * 1024, 64 * 1024, 256 * 1024]) {
      const clock = fakeClock();
      const limiter = new RateLimiter(2 * MiB, clock.now);
      const rate = transfer(limiter, clock, 10 * MiB, chunk);
      expect(rate, `chunks of ${chunk}`).toBeGreaterThan(2 * MiB * 0.9);
      expect(rate, `chunks of ${chunk}`).toBeLessThan(2 * MiB * 1.1);
    }
  });

  it('makes up for timers that fire late from what the bucket holds, never beyond the rate', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(2 * MiB, clock.now);
    // Every wait overslept by 20 ms: the bucket refills meanwhile, so the next chunks go at once.
    const rate = transfer(limiter, clock, 10 * MiB, 64 * 1024, 20);
    expect(rate).toBeLessThanOrEqual(2 * MiB * 1.01);
    expect(rate).toBeGreaterThan(2 * MiB * 0.9);
  });

  it('lets a burst after a pause through only up to a quarter of a second of bytes', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(4 * MiB, clock.now);
    clock.advance(60_000); // a minute idle
    expect(limiter.consume(1 * MiB)).toBe(0);
    expect(limiter.consume(1 * MiB)).toBeCloseTo(250, 6); // the next MiB waits its quarter second
  });

  it('changes rate live, and 0 lets everything through at once', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(0, clock.now);
    expect(limiter.consume(100 * MiB)).toBe(0);
    limiter.setRate(1 * MiB);
    expect(limiter.rate).toBe(1 * MiB);
    expect(limiter.consume(1 * MiB)).toBeCloseTo(1000, 6);
    limiter.setRate(0);
    expect(limiter.consume(1 * MiB)).toBe(0);
  });
});
