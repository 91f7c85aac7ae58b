import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignals } from '../../src-main/cli/stop-on-signals.js';

function setup(stop: () => Promise<void>) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const reports: string[] = [];
  stopOnSignals({ signals, stop, exit: (code) => exits.push(code), report: (message) => reports.push(message), graceMs: 2000 });
  return { signals, exits, reports };
}

describe('stopOnSignals', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops the node and exits 0 on SIGTERM or SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT']) {
      const stop = vi.fn(() => Promise.resolve());
      const { signals, exits } = setup(stop);
      signals.emit(signal);
      await vi.advanceTimersByTimeAsync(0);
      expect(stop).toHaveBeenCalledOnce();
      expect(exits).toEqual([0]);
    }
  });

  it('exits 1 when stopping hangs past the grace period', async () => {
    const { signals, exits, reports } = setup(() => new Promise<void>(() => undefined));
    signals.emit('SIGTERM');
    await vi.advanceTimersByTimeAsync(1999);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([1]);
    expect(reports[0]).toMatch(/longer than 2000 ms/);
  });

  it('exits 1 at once on a second signal, and when stopping fails', async () => {
    const hanging = setup(() => new Promise<void>(() => undefined));
    hanging.signals.emit('SIGINT');
    hanging.signals.emit('SIGINT');
    expect(hanging.exits).toEqual([1]);

    const failing = setup(() => Promise.reject(new Error('disk gone')));
    failing.signals.emit('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(failing.exits).toEqual([1]);
    expect(failing.reports).toEqual(['stopping failed']);
  });
});
