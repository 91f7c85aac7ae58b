import { afterEach, describe, expect, it } from 'vitest';
import { trimHeapWhenIdle, v8HeapProbe, type HeapProbe } from '../../src-main/cli/idle-heap-trim.js';

const MB = 1024 * 1024;

/** A heap whose young generation V8 shrinks at a minor collection only while `idle` is true. */
function fakeHeap() {
  const heap = { newSpace: 1 * MB, oldSpace: 20 * MB, idle: false, minor: 0, full: 0 };
  const probe: HeapProbe = {
    gc: (options) => {
      if (options?.type === 'minor') {
        heap.minor++;
        if (heap.idle) heap.newSpace = 1 * MB;
      } else {
        heap.full++;
        heap.oldSpace = 15 * MB;
      }
    },
    newSpaceBytes: () => heap.newSpace,
    heapBytes: () => heap.newSpace + heap.oldSpace,
  };
  return { heap, probe };
}

let stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops) stop();
  stops = [];
});

function start(probe: HeapProbe) {
  const trim = trimHeapWhenIdle({ probe, intervalMs: 60_000 });
  stops.push(trim.stop);
  return trim;
}

describe('trimHeapWhenIdle', () => {
  it('while the node is busy, only probes with a minor collection', () => {
    const { heap, probe } = fakeHeap();
    const trim = start(probe);
    heap.newSpace = 32 * MB;
    trim.check();
    trim.check();
    expect(heap).toMatchObject({ minor: 2, full: 0, newSpace: 32 * MB });
  });

  it('once V8 shrinks the young generation, collects everything once, then leaves the idle heap alone', () => {
    const { heap, probe } = fakeHeap();
    const trim = start(probe);
    heap.newSpace = 32 * MB;
    trim.check();
    heap.idle = true;
    trim.check();
    expect(heap).toMatchObject({ minor: 2, full: 1, newSpace: 1 * MB, oldSpace: 15 * MB });
    trim.check();
    trim.check();
    expect(heap).toMatchObject({ minor: 2, full: 1 });
  });

  it('probes again once the heap has grown after a trim', () => {
    const { heap, probe } = fakeHeap();
    const trim = start(probe);
    heap.idle = true;
    trim.check();
    expect(heap.full).toBe(1);
    heap.idle = false;
    heap.newSpace = 16 * MB; // a new busy spell
    trim.check();
    expect(heap).toMatchObject({ minor: 2, full: 1 });
    heap.idle = true;
    trim.check();
    expect(heap).toMatchObject({ minor: 3, full: 2 });
  });

  it("reaches V8's own collector without --expose-gc", () => {
    const probe = v8HeapProbe();
    expect(() => probe.gc({ type: 'minor' })).not.toThrow();
    expect(() => probe.gc()).not.toThrow();
    expect(probe.newSpaceBytes()).toBeGreaterThan(0);
    expect(probe.heapBytes()).toBeGreaterThan(probe.newSpaceBytes());
  });
});
