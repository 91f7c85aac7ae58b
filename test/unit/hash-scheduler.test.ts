// The library's hash queue (hash-scheduler.ts) and its memory of renames (rename-memory.ts), with
// a hasher whose answers the test releases by hand: how many files go out at once, a path queued
// again while it is hashed, and a close that cancels what waits and leaves no timer behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HashScheduler } from '../../src-main/core/library/hash-scheduler.js';
import { RenameMemory } from '../../src-main/core/library/rename-memory.js';
import type { FileRow } from '../../src-main/core/store/library-store.js';

/** A scheduler whose runs wait until the test ends them. */
function scheduler(workers = 1, settleMs?: number) {
  const running = new Map<string, () => void>();
  const started: string[] = [];
  const s = new HashScheduler({
    workers,
    ...(settleMs === undefined ? {} : { settleMs }),
    run: (path) => {
      started.push(path);
      return new Promise<void>((resolve) => running.set(path, () => {
        running.delete(path);
        resolve();
      }));
    },
    onChange: () => undefined,
  });
  const finish = async (path: string) => {
    running.get(path)?.();
    await new Promise((r) => setImmediate(r));
  };
  return { s, running, started, finish };
}

const stamp = (size: number) => ({ size, mtimeMs: 1, ino: 1 });

describe('HashScheduler', () => {
  // The second look at a busy path is a timer: a fake clock moves it, no test sleeps.
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('sends at least three files per worker at once, and the next as one ends', async () => {
    const { s, started, finish } = scheduler(1);
    // Large files: the byte budget keeps it to three per worker.
    for (let i = 0; i < 5; i++) s.enqueue(`/f${i}`, stamp(64 * 1024 * 1024));
    expect(started).toEqual(['/f0', '/f1', '/f2']);
    expect(s.status()).toMatchObject({ queuedFiles: 2, activeFiles: 3, queuedBytes: 2 * 64 * 1024 * 1024 });
    await finish('/f0');
    expect(started).toEqual(['/f0', '/f1', '/f2', '/f3']);
  });

  it('holds a file written less than the settle time ago until then, and hashes an older one (or one dated ahead) at once', async () => {
    const { s, started, finish } = scheduler(2, 500);
    const now = Date.now();
    s.enqueue('/young', { size: 10, mtimeMs: now - 100, ino: 1 });
    s.enqueue('/old', { size: 10, mtimeMs: now - 600, ino: 2 });
    s.enqueue('/ahead', { size: 10, mtimeMs: now + 60_000, ino: 3 });
    expect(started).toEqual(['/old', '/ahead']);
    expect(s.status()).toMatchObject({ queuedFiles: 1, queuedBytes: 10 });
    await finish('/old');
    await finish('/ahead');
    expect(s.idle).toBe(false); // whenIdle waits for it too
    vi.advanceTimersByTime(399);
    expect(started).toEqual(['/old', '/ahead']);
    vi.advanceTimersByTime(1);
    expect(started).toEqual(['/old', '/ahead', '/young']);
    await finish('/young');
    expect(s.idle).toBe(true);
  });

  it('forgets a settling file that is dropped or closed', async () => {
    const { s, started } = scheduler(1, 500);
    s.enqueue('/dropped', { size: 1, mtimeMs: Date.now(), ino: 1 });
    s.enqueue('/closed', { size: 1, mtimeMs: Date.now(), ino: 2 });
    s.drop('/dropped');
    s.close();
    vi.advanceTimersByTime(1000);
    expect(started).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is idle once the only file waiting to be looked at again is dropped', async () => {
    const { s, started } = scheduler(1, 500);
    s.enqueue('/young', { size: 1, mtimeMs: Date.now(), ino: 1 });
    let idle = false;
    void s.whenIdle().then(() => (idle = true));
    s.drop('/young');
    await Promise.resolve();
    expect(idle).toBe(true);
    expect(started).toEqual([]);
  });

  it('looks again at a path queued while it is hashed, once that hash is over', async () => {
    const { s, started, finish } = scheduler(1);
    s.enqueue('/a', stamp(1));
    s.enqueue('/a', stamp(2)); // written again meanwhile
    expect(started).toEqual(['/a']);
    await finish('/a');
    expect(s.idle).toBe(false); // the second look is due
    vi.advanceTimersByTime(200);
    expect(started).toEqual(['/a', '/a']);
    await finish('/a');
    await s.whenIdle();
    expect(s.idle).toBe(true);
  });

  it('close cancels what waits and the pending second look, and says idle at once', async () => {
    const { s, started, finish } = scheduler(1);
    for (let i = 0; i < 10; i++) s.enqueue(`/f${i}`, stamp(64 * 1024 * 1024));
    s.enqueue('/f0', stamp(1)); // a second look at a file being hashed: a timer
    const idle = s.whenIdle();
    s.close();
    await idle;
    expect(s.status()).toMatchObject({ queuedFiles: 0, queuedBytes: 0 });
    await finish('/f0');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(started).toEqual(['/f0', '/f1', '/f2']); // nothing more went out, the timer included
    s.enqueue('/late', stamp(1));
    expect(started).not.toContain('/late');
  });
});

describe('RenameMemory', () => {
  const file = { id: 'a'.repeat(64) } as FileRow;

  it('recognises a stamp that left a moment ago, and forgets it after the memory', () => {
    let now = 1_000;
    const memory = new RenameMemory(10_000, () => now);
    memory.remember({ ino: 7, size: 100, mtimeMs: 5.5 }, file);
    expect(memory.find({ ino: 7, size: 100, mtimeMs: 5.5 })).toBe(file);
    expect(memory.find({ ino: 7, size: 101, mtimeMs: 5.5 })).toBeUndefined();
    now += 10_001;
    expect(memory.find({ ino: 7, size: 100, mtimeMs: 5.5 })).toBeUndefined();
  });
});
