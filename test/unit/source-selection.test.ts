// Which sources a download uses at once: the nearest and best placed up to the cap, a standby in
// place of a failed source at once, and a swap for speed only for a clear gain, after the active
// source had time to show its rate, one at a time, and never back and forth.
import { describe, expect, it } from 'vitest';
import { MIN_ACTIVE_MS, REVIEW_MS, SourceSelection, type SelectionCandidate } from '../../src-main/core/downloads/source-selection.js';

type Spec = Partial<Omit<SelectionCandidate, 'url'>>;
const candidates = (specs: Record<string, Spec>): SelectionCandidate[] =>
  Object.entries(specs).map(([url, spec], rank) => ({ url, rank, rttMs: null, alive: true, ready: true, failures: 0, rate: null, ...spec }));
const sorted = (set: ReadonlySet<string>) => [...set].sort();

describe('source selection', () => {
  it('uses every source when there are no more than the cap', () => {
    const selection = new SourceSelection(3);
    expect(sorted(selection.update(candidates({ a: { rttMs: 400 }, b: { rttMs: 1 }, c: {} }), 0))).toEqual(['a', 'b', 'c']);
  });

  it('chooses the nearest, the index order deciding between sources about as near, unmeasured ones last', () => {
    const selection = new SourceSelection(3);
    const active = selection.update(candidates({
      far: { rttMs: 300 }, // the index's best, but far
      near1: { rttMs: 5 },
      unknown: {},
      near2: { rttMs: 6 },
      near3: { rttMs: 4 }, // nearer than near2, a place lower: 4 + 12 against 6 + 9, still before near4
      near4: { rttMs: 30 },
    }), 0);
    expect(sorted(active)).toEqual(['near1', 'near2', 'near3']);
    // A source that failed in this run ranks after one that did not.
    const again = new SourceSelection(2).update(candidates({ a: { rttMs: 5, failures: 1 }, b: { rttMs: 50 }, c: { rttMs: 60 } }), 0);
    expect(sorted(again)).toEqual(['b', 'c']);
  });

  it('puts a ready standby in the place of a failed or dropped source at once; with none ready, the failed one stays', () => {
    const selection = new SourceSelection(2);
    expect(sorted(selection.update(candidates({ a: { rttMs: 1 }, b: { rttMs: 2 }, c: { rttMs: 200 } }), 0))).toEqual(['a', 'b']);
    expect(sorted(selection.update(candidates({ a: { rttMs: 1, ready: false, failures: 1 }, b: { rttMs: 2 }, c: { rttMs: 200 } }), 100))).toEqual(['b', 'c']);
    // a is ready again: it waits, c keeps the place it was given (no flapping back on the score alone).
    expect(sorted(selection.update(candidates({ a: { rttMs: 1, failures: 1 }, b: { rttMs: 2 }, c: { rttMs: 200 } }), 1_200))).toEqual(['b', 'c']);
    // b is dropped: a takes its place.
    expect(sorted(selection.update(candidates({ a: { rttMs: 1, failures: 1 }, b: { rttMs: 2, alive: false }, c: { rttMs: 200 } }), 1_300))).toEqual(['a', 'c']);
    // c fails with no standby ready: it keeps its place.
    const fresh = new SourceSelection(2);
    fresh.update(candidates({ a: { rttMs: 1 }, b: { rttMs: 2 }, c: { rttMs: 3, ready: false } }), 0);
    expect(sorted(fresh.update(candidates({ a: { rttMs: 1, ready: false }, b: { rttMs: 2 }, c: { rttMs: 3, ready: false } }), 10))).toEqual(['a', 'b']);
  });

  it('swaps the slowest active source for a standby expected to be much faster, with hysteresis', () => {
    const selection = new SourceSelection(2);
    const start = 0;
    const specs = (over: Record<string, Spec>) => candidates({ a: { rttMs: 20 }, b: { rttMs: 20 }, c: { rttMs: 40 }, ...over });
    expect(sorted(selection.update(specs({}), start))).toEqual(['a', 'b']);
    // b gives a third of a's rate; c, twice as far as the median, is expected to give half the median (2 MB/s): not twice b's.
    const slowB = { a: { rttMs: 20, rate: 6e6 }, b: { rttMs: 20, rate: 2e6 } };
    expect(sorted(selection.update(specs(slowB), start + MIN_ACTIVE_MS))).toEqual(['a', 'b']);
    // c turns out nearer (5 ms, counted as 10: below that round trips are alike): expected at twice the median, 8 MB/s, more than twice b's.
    const nearC = { ...slowB, c: { rttMs: 5 } };
    // Not before the next review...
    expect(sorted(selection.update(specs(nearC), start + MIN_ACTIVE_MS + 1))).toEqual(['a', 'b']);
    // ...then one swap.
    const t1 = start + MIN_ACTIVE_MS + REVIEW_MS;
    expect(sorted(selection.update(specs(nearC), t1))).toEqual(['a', 'c']);
    // b, now a standby, is judged by its own rate (2 MB/s); c, though slow for a while, is kept until it had MIN_ACTIVE_MS to show its rate.
    const slowC = { a: { rttMs: 20, rate: 6e6 }, b: { rttMs: 20, rate: 2e6 }, c: { rttMs: 5, rate: 0.5e6 } };
    expect(sorted(selection.update(specs(slowC), t1 + REVIEW_MS))).toEqual(['a', 'c']);
    // After it: c gives a quarter of b's expected rate: b comes back (4x is more than twice).
    expect(sorted(selection.update(specs(slowC), t1 + MIN_ACTIVE_MS))).toEqual(['a', 'b']);
    // And sources about as fast never flap: c, having given 1.5 times b's rate, stays out.
    const close = new SourceSelection(2);
    close.update(specs({}), 0);
    const even = { a: { rttMs: 20, rate: 6e6 }, b: { rttMs: 20, rate: 4e6 }, c: { rttMs: 20, rate: 6e6 } };
    for (let t = MIN_ACTIVE_MS; t < MIN_ACTIVE_MS + 10 * REVIEW_MS; t += REVIEW_MS) expect(sorted(close.update(specs(even), t))).toEqual(['a', 'b']);
  });

  it('makes no swap for speed in the endgame', () => {
    const selection = new SourceSelection(1);
    selection.update(candidates({ a: { rttMs: 50 }, b: { rttMs: 60 } }), 0);
    const slowA = candidates({ a: { rttMs: 50, rate: 1e5 }, b: { rttMs: 5 } });
    expect(sorted(selection.update(slowA, MIN_ACTIVE_MS + REVIEW_MS, false))).toEqual(['a']);
    expect(sorted(selection.update(slowA, MIN_ACTIVE_MS + 2 * REVIEW_MS, true))).toEqual(['b']);
  });
});
