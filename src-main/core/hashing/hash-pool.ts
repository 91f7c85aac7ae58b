// A fixed-size pool of hash workers with a FIFO queue. Queued files go to the workers in batches
// (small files share one message, see hash-batch.ts); a big file goes as parts that several
// workers hash at once (file-parts.ts). Each worker hashes one batch and, once what
// it holds is nearly done, has the next already waiting in its port, so it never sits idle while
// the main thread is busy; a large file is not bound early to a worker that is still busy, so
// the end of a burst is shared by all workers. Workers start on demand and stop
// once the pool has been idle a moment (an idle worker holds ~12 MB; starting one takes ~30 ms).
// A worker that dies fails its jobs and is replaced.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../threads/worker-entry.js';
import { FileChangedWhileHashingError } from './hash-errors.js';
import { takeBatch } from './hash-batch.js';
import { joinParts, planParts, SPLIT_MIN_BYTES } from './file-parts.js';
import type { FilePart, HashResult, PartResult } from './file-hasher.js';
import type { HashJobMessage, HashOutcome, HashWorkerMessage, TransferredHashResult, TransferredPartResult } from './hash-worker.js';

export interface HashPoolOptions {
  /** How many files are hashed at once; defaults to os.availableParallelism(). */
  size?: number;
  /** Idle workers are stopped after this long without a job; defaults to IDLE_WORKER_MS. */
  idleMs?: number;
  /** A file of at least this many bytes is hashed in parts by several workers; defaults to SPLIT_MIN_BYTES. */
  splitMinBytes?: number;
}

/** Long enough to bridge the gaps between files of a burst, short enough that an idle node is lean. */
export const IDLE_WORKER_MS = 1000;

interface Job {
  jobId: number;
  path: string;
  /** The caller's idea of the bytes to hash (the file's size, or the part's), for batching; undefined when it had none. */
  size: number | undefined;
  /** Only this part of the file; the whole file when undefined. */
  part: FilePart | undefined;
  /** Bytes the worker reported hashed so far. */
  hashedBytes: number;
  onProgress: ((hashedBytes: number) => void) | undefined;
  /** What the worker sent back: a HashResult for a whole file, a PartResult for a part. */
  resolve: (result: TransferredHashResult | TransferredPartResult) => void;
  reject: (err: Error) => void;
}

/**
 * A worker with a batch in hand gets its next one once at most this many bytes are left to hash
 * (progress comes every 8 MiB): enough to hide the round trip, while a big file queued behind a
 * big file still goes to whichever worker frees up first.
 */
const PREFETCH_BYTES = 16 * 1024 * 1024;

export class HashPool {
  readonly size: number;
  private readonly queue: Job[] = [];
  /** Each live worker's jobs, in the order it runs them; the first is being hashed. */
  private readonly assigned = new Map<Worker, Job[]>();
  /** How many batches each live worker holds (at most two: the one it hashes and the next). */
  private readonly batches = new Map<Worker, number>();
  private readonly workers = new Set<Worker>();
  private nextJobId = 1;
  private closed = false;
  private readonly idleMs: number;
  private readonly splitMinBytes: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private dispatchQueued = false;

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.idleMs = options.idleMs ?? IDLE_WORKER_MS;
    this.splitMinBytes = options.splitMinBytes ?? SPLIT_MIN_BYTES;
  }

  /** `size`: the file's size as the caller last saw it, if known; small files are then sent in batches. */
  hash(path: string, onProgress?: (hashedBytes: number) => void, size?: number): Promise<HashResult> {
    if (this.closed) return Promise.reject(new Error('the hash pool is closed'));
    const parts = size === undefined ? [] : planParts(size, this.size, this.splitMinBytes);
    if (size !== undefined && parts.length > 1) return this.hashInParts(path, size, parts, onProgress);
    return new Promise<HashResult>((resolve, reject) => {
      this.enqueue({ path, size, part: undefined, onProgress, resolve: (r) => resolve(wrapResult(r as TransferredHashResult)), reject });
    });
  }

  /** Queues every part of a big file at once; whichever workers are free hash them, and the layers they give are joined. */
  private hashInParts(path: string, size: number, parts: FilePart[], onProgress?: (hashedBytes: number) => void): Promise<HashResult> {
    return new Promise<HashResult>((resolve, reject) => {
      const results: PartResult[] = [];
      const hashed = parts.map(() => 0);
      let left = parts.length;
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const progress = (i: number, n: number) => {
        hashed[i] = n;
        onProgress?.(hashed.reduce((a, b) => a + b, 0));
      };
      parts.forEach((part, i) => this.enqueue({
        path, size: part.end - part.start, part,
        onProgress: (n) => progress(i, n),
        resolve: (r) => {
          results[i] = wrapPart(r as TransferredPartResult);
          // A part ends without a progress message of its own (the worker sends none at the end).
          progress(i, part.end - part.start);
          if (--left > 0 || failed) return;
          try {
            resolve(joinParts(path, size, results));
          } catch (err) {
            fail(err as Error);
          }
        },
        reject: fail,
      }));
    });
  }

  private enqueue(job: Omit<Job, 'jobId' | 'hashedBytes'>): void {
    this.queue.push({ ...job, jobId: this.nextJobId++, hashedBytes: 0 });
    // An idle worker starts now; the next batches wait for the end of this turn, so files
    // queued together (a rescan queues hundreds at once) fill batches instead of going one by one.
    this.dispatch(false);
    if (this.queue.length > 0 && !this.dispatchQueued) {
      this.dispatchQueued = true;
      queueMicrotask(() => {
        this.dispatchQueued = false;
        this.dispatch();
      });
    }
  }

  /** Jobs waiting: in the pool's queue, or at a worker behind the file it is hashing. */
  get queued(): number {
    let waiting = this.queue.length;
    for (const jobs of this.assigned.values()) waiting += Math.max(0, jobs.length - 1);
    return waiting;
  }

  /** Jobs being hashed right now. */
  get active(): number {
    let running = 0;
    for (const jobs of this.assigned.values()) if (jobs.length > 0) running++;
    return running;
  }

  /** Worker threads alive right now, busy or idle. */
  get workerCount(): number {
    return this.workers.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    const closedError = () => new Error('the hash pool was closed before this file was hashed');
    for (const job of this.queue.splice(0)) job.reject(closedError());
    for (const jobs of this.assigned.values()) for (const job of jobs) job.reject(closedError());
    this.assigned.clear();
    this.batches.clear();
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** Sends batches to the workers that can take one; with `prefetch` false, only to idle or new ones. */
  private dispatch(prefetch = true): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    while (!this.closed && this.queue.length > 0) {
      const worker = this.readyWorker(prefetch);
      if (!worker) break;
      const jobs = takeBatch(this.queue);
      (this.assigned.get(worker) as Job[]).push(...jobs);
      this.batches.set(worker, (this.batches.get(worker) ?? 0) + 1);
      worker.ref(); // a running job keeps the process alive; an idle worker does not
      worker.postMessage({ jobs: jobs.map(({ jobId, path, part }) => (part ? { jobId, path, part } : { jobId, path })) } satisfies HashJobMessage);
    }
    if (!this.closed && this.workers.size > 0 && this.active === 0) {
      this.idleTimer = setTimeout(() => this.stopIdleWorkers(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  /**
   * The worker to send the next batch to: an idle one, a new one while the pool is not full, or
   * one whose batch is nearly done (see PREFETCH_BYTES); none when all are busy enough.
   */
  private readyWorker(prefetch: boolean): Worker | undefined {
    let nearlyDone: Worker | undefined;
    for (const [worker, jobs] of this.assigned) {
      const batches = this.batches.get(worker) ?? 0;
      if (batches === 0) return worker;
      if (prefetch && batches === 1 && !nearlyDone && bytesLeft(jobs) <= PREFETCH_BYTES) nearlyDone = worker;
    }
    if (this.workers.size < this.size) return this.spawn();
    return nearlyDone;
  }

  /** Nothing to do for a while: give the workers' memory back; dispatch starts new ones on demand. */
  private stopIdleWorkers(): void {
    this.idleTimer = undefined;
    for (const [worker, jobs] of this.assigned) {
      if (jobs.length > 0) continue;
      this.workers.delete(worker); // first, so its 'exit' is not taken for a crash
      this.assigned.delete(worker);
      this.batches.delete(worker);
      void worker.terminate();
    }
  }

  private spawn(): Worker {
    const { filename, options } = workerEntry(import.meta.url, 'hash-worker');
    const worker = new Worker(filename, options);
    worker.unref(); // until it has a job
    this.workers.add(worker);
    this.assigned.set(worker, []);
    this.batches.set(worker, 0);
    worker.on('message', (message: HashWorkerMessage) => this.onMessage(worker, message));
    worker.on('error', (err) => this.retire(worker, err));
    worker.on('exit', (code) => this.retire(worker, new Error(`a hash worker exited (code ${code})`)));
    return worker;
  }

  private onMessage(worker: Worker, message: HashWorkerMessage): void {
    const jobs = this.assigned.get(worker);
    if (!jobs) return; // late news from a worker already retired
    if (message.type === 'progress') {
      const job = jobs[0];
      if (job?.jobId !== message.jobId) return;
      job.hashedBytes = message.hashedBytes;
      job.onProgress?.(message.hashedBytes);
      // The worker may now be close enough to the end of its batch to be sent the next one.
      if (this.queue.length > 0) this.dispatch();
      return;
    }
    this.batches.set(worker, Math.max(0, (this.batches.get(worker) ?? 0) - 1));
    for (const outcome of message.outcomes) {
      const job = jobs[0];
      if (job?.jobId !== outcome.jobId) continue; // late news of a job already failed
      jobs.shift();
      settle(job, outcome);
    }
    if (jobs.length === 0) worker.unref();
    this.dispatch();
  }

  /** A worker crashed or exited: fail its jobs, forget it, and let dispatch start a replacement. */
  private retire(worker: Worker, err: Error): void {
    if (!this.workers.delete(worker)) return; // already retired ('error' is followed by 'exit')
    const jobs = this.assigned.get(worker) ?? [];
    this.assigned.delete(worker);
    this.batches.delete(worker);
    for (const job of jobs) job.reject(err);
    if (!this.closed) void worker.terminate();
    this.dispatch();
  }
}

/** What is left to hash of a worker's jobs; a file of unknown size counts as nothing left. */
function bytesLeft(jobs: Job[]): number {
  let left = 0;
  for (const job of jobs) left += Math.max(0, (job.size ?? 0) - job.hashedBytes);
  return left;
}

function settle(job: Job, outcome: HashOutcome): void {
  if (outcome.type === 'error') job.reject(toError(job.path, outcome));
  else job.resolve(outcome.result);
}

/** Structured clone gave plain Uint8Arrays: Buffers again, over the same memory. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function wrapResult(r: TransferredHashResult): HashResult {
  return { ...r, pieceHashes: asBuffer(r.pieceHashes), magic: asBuffer(r.magic) };
}

function wrapPart(r: TransferredPartResult): PartResult {
  return { ...r, nodes: asBuffer(r.nodes), magic: asBuffer(r.magic) };
}

/** Rebuilds the worker's error on this side, keeping the class callers branch on and the errno code. */
function toError(path: string, message: Extract<HashOutcome, { type: 'error' }>): Error {
  if (message.changed) return Object.assign(new FileChangedWhileHashingError(path), { message: message.message });
  const err = new Error(message.message);
  return message.code === undefined ? err : Object.assign(err, { code: message.code });
}
