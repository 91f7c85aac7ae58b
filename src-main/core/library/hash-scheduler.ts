// Which file goes to the hash pool next, and how many at once. Files wait here (one entry per
// path: queuing a path again only updates it) and go to the pool while it can take more, so the
// pool never holds more than a few MiB per worker and a close cancels everything still waiting.
import type { Stamp } from './library-stamp.js';
import type { HashingStatus } from '../../../src-shared/api/library.js';

/** Small files in flight per hash worker: two batches of the pool's (hash-batch.ts) and some. */
const MAX_IN_FLIGHT_FILES_PER_WORKER = 160;
const MAX_IN_FLIGHT_BYTES_PER_WORKER = 12 * 1024 * 1024;
/** A path queued while it is being hashed is looked at again this long after (it is being written). */
const REQUEUE_BUSY_MS = 200;

export interface HashSchedulerOptions {
  /** How many files the pool hashes at once. */
  workers: number;
  /**
   * A file written less than this long ago (its stamp's mtime) may still be being written: it waits
   * until then, as the folder watcher waits for a file's writes to settle. A walk finds such files
   * (one being copied in as the node starts); hashing them at once would list a partial file.
   */
  settleMs?: number;
  /**
   * Hashes and records one file. `seen`: the stat that queued it, if any; `onProgress` takes the
   * bytes hashed so far. Must not reject (it logs its own failures).
   */
  run(path: string, seen: Stamp | undefined, onProgress: (hashedBytes: number) => void): Promise<void>;
  /** Something changed that the hashing status shows (queued, started, progressed, ended). */
  onChange(): void;
}

/** The scheduler's part of the hashing status the node shows (the contract's HashingStatus). */
export type ScheduleStatus = Pick<HashingStatus, 'queuedFiles' | 'activeFiles' | 'queuedBytes' | 'current'>;

export class HashScheduler {
  private readonly pending = new Map<string, { size: number; seen: Stamp | undefined }>();
  private readonly inFlight = new Map<string, { size: number; hashedBytes: number }>();
  /** The sizes of the files in inFlight, summed. */
  private inFlightBytes = 0;
  /**
   * Paths to look at again later, stat and all, each with its timer: one written too recently
   * (settleMs), or one queued again while it was being hashed (REQUEUE_BUSY_MS).
   */
  private readonly later = new Map<string, { timer: NodeJS.Timeout; size: number }>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: HashSchedulerOptions) {}

  /** Nothing waiting and nothing being hashed (or closed). */
  get idle(): boolean {
    return this.closed || (this.pending.size === 0 && this.inFlight.size === 0 && this.later.size === 0);
  }

  /** Resolves the next time the scheduler is idle (at once if it is). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Queues a file. `seen` is a stat taken just before (by the walk or the watcher): the hasher
   * trusts it instead of asking again. `size` is what the status counts when there is no stat.
   */
  enqueue(path: string, seen: Stamp | undefined, size = seen?.size ?? 0): void {
    if (this.closed) return;
    const age = seen ? Date.now() - seen.mtimeMs : Infinity;
    const settleMs = this.o.settleMs ?? 0;
    if (age >= 0 && age < settleMs) {
      this.lookAgain(path, size, settleMs - age); // the stamp seen now is of a file being written
      this.o.onChange();
      return;
    }
    this.cancelLater(path);
    this.pending.set(path, { size, seen: seen && { size: seen.size, mtimeMs: seen.mtimeMs, ino: seen.ino } });
    this.pump();
  }

  /** Takes a path out of the queue (not out of the pool: its result is checked when it comes). */
  drop(path: string): void {
    this.pending.delete(path);
    this.cancelLater(path);
    this.settleIdle(); // it may have been all that was left
  }

  /** Takes every queued path that passes `test` out of the queue. */
  dropWhere(test: (path: string) => boolean): void {
    for (const path of [...this.pending.keys(), ...this.later.keys()]) if (test(path)) this.drop(path);
  }

  /** Queues `path` again in `ms`, with no stat: the hasher takes its own then. */
  private lookAgain(path: string, size: number, ms: number): void {
    this.cancelLater(path);
    const timer = setTimeout(() => {
      this.later.delete(path);
      this.enqueue(path, undefined, size);
    }, ms);
    this.later.set(path, { timer, size });
  }

  private cancelLater(path: string): void {
    const waiting = this.later.get(path);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.later.delete(path);
  }

  status(): ScheduleStatus {
    let queuedBytes = 0;
    for (const { size } of this.pending.values()) queuedBytes += size;
    for (const { size } of this.later.values()) queuedBytes += size;
    return {
      queuedFiles: this.pending.size + this.later.size,
      activeFiles: this.inFlight.size,
      queuedBytes,
      current: [...this.inFlight].map(([path, p]) => ({ path, size: p.size, hashedBytes: p.hashedBytes })),
    };
  }

  /** Cancels what waits; what the pool holds ends when the pool closes and is not recorded. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    for (const { timer } of this.later.values()) clearTimeout(timer);
    this.later.clear();
    this.settleIdle();
  }

  /**
   * Whether another file may go to the hasher. At least three per worker: the one it hashes, the
   * next waiting in its port (see HashPool), and one being looked at or stored here, so a worker
   * never waits for this thread. Small files go further, up to a few MiB per worker: the pool
   * sends them in batches, and a batch needs enough files to fill.
   */
  private canSendMore(): boolean {
    const workers = this.o.workers;
    if (this.inFlight.size < workers * 3) return true;
    if (this.inFlight.size >= workers * MAX_IN_FLIGHT_FILES_PER_WORKER) return false;
    return this.inFlightBytes < workers * MAX_IN_FLIGHT_BYTES_PER_WORKER;
  }

  private pump(): void {
    while (!this.closed && this.pending.size > 0 && this.canSendMore()) {
      const [path, { size, seen }] = this.pending.entries().next().value as [string, { size: number; seen: Stamp | undefined }];
      this.pending.delete(path);
      if (this.inFlight.has(path)) {
        this.lookAgain(path, size, REQUEUE_BUSY_MS); // already hashing: the file changed meanwhile
        continue;
      }
      const progress = { size, hashedBytes: 0 };
      this.inFlight.set(path, progress);
      this.inFlightBytes += size;
      this.o.onChange();
      void this.o.run(path, seen, (hashedBytes) => {
        progress.hashedBytes = hashedBytes;
        this.o.onChange();
      }).finally(() => {
        this.inFlight.delete(path);
        this.inFlightBytes -= size;
        if (this.closed) return;
        this.o.onChange();
        this.pump();
        this.settleIdle();
      });
    }
    this.settleIdle();
  }

  private settleIdle(): void {
    if (!this.idle || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
