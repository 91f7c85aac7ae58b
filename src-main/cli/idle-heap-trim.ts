// Gives V8's memory back once `shoal serve` has gone idle. A busy spell (indexing, a burst of
// requests) grows the young generation from 1 MB to 2 x 16 MB and leaves garbage in old space, and
// V8 keeps both while nothing allocates: it shrinks the young generation only in a collection
// that finds the allocation rate low, and an idle node allocates too little to trigger one. An
// idle node sharing 10,000 files held 33.5 MB of new space for 1 MB of live objects, and ~6 MB of
// old-space garbage, for as long as it stayed idle (docs/benchmarks.md, figure 4).
//
// So every few seconds a young-generation collection (~1 ms) asks V8: if V8 shrinks the new space
// there, it measured the last ~5 s as idle, and one full collection then returns the old space's
// free pages. While the node is busy the probe changes nothing; once trimmed, nothing runs until the
// heap has grown again. Lowering the young generation's limit instead (--max-semi-space-size) would
// tax every busy spell with 16 times more collections, and V8 reads it only at start-up.
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's own `gc` (as with --expose-gc): no options for a full collection, or { type: 'minor' }. */
export type GcFunction = (options?: { type: 'minor' | 'major' }) => void;

export interface HeapProbe {
  gc: GcFunction;
  /** Bytes V8 has committed for the young generation. */
  newSpaceBytes(): number;
  /** Bytes V8 has committed for the whole heap. */
  heapBytes(): number;
}

export interface IdleHeapTrimOptions {
  probe?: HeapProbe;
  intervalMs?: number;
  /** How much the heap may grow after a trim before it is probed again. */
  regrowthBytes?: number;
}

const DEFAULT_INTERVAL_MS = 2_000;
const DEFAULT_REGROWTH_BYTES = 1024 * 1024;

export function trimHeapWhenIdle(options: IdleHeapTrimOptions = {}): { check(): void; stop(): void } {
  const probe = options.probe ?? v8HeapProbe();
  const regrowth = options.regrowthBytes ?? DEFAULT_REGROWTH_BYTES;
  // The young generation as V8 starts it; after a shrink it is back to this (or below it).
  const startSize = probe.newSpaceBytes();
  let trimmedAt: number | undefined;

  const check = (): void => {
    if (trimmedAt !== undefined && probe.heapBytes() <= trimmedAt + regrowth) return;
    probe.gc({ type: 'minor' });
    if (probe.newSpaceBytes() > startSize) {
      trimmedAt = undefined; // still busy, by V8's measure
      return;
    }
    probe.gc();
    trimmedAt = probe.heapBytes();
  };
  const timer = setInterval(check, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

/** The real heap. `gc` is V8's, reached without --expose-gc (which Node refuses in NODE_OPTIONS). */
export function v8HeapProbe(): HeapProbe {
  return {
    gc: v8Gc(),
    newSpaceBytes: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
    heapBytes: () => getHeapStatistics().total_heap_size,
  };
}

function v8Gc(): GcFunction {
  const exposed = (globalThis as { gc?: GcFunction }).gc;
  if (typeof exposed === 'function') return exposed;
  // The flag makes V8 put `gc` into contexts created from now on: one small context, then off again.
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as GcFunction;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
