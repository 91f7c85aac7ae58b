// A fixed-size pool of hash workers with a FIFO queue. Each worker hashes one file at a time and
// has the next one already waiting in its port, so it never sits idle while the main thread is
// busy (a CPU profile showed workers idle a third of the time with one job each). Workers start on
// demand and stop once the pool has been idle a moment (an idle worker holds ~12 MB; starting one
// takes ~30 ms). A worker that dies fails its jobs and is replaced.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../threads/worker-entry.js';
// Not from file-hasher.js: that would load file-type on the main thread, where nothing uses it.
import { FileChangedWhileHashingError } from './hash-errors.js';
import type { HashResult } from './file-hasher.js';
import type { HashJobMessage, HashWorkerMessage } from './hash-worker.js';

export interface HashPoolOptions {
  /** How many files are hashed at once; defaults to os.availableParallelism(). */
  size?: number;
  /** Idle workers are stopped after this long without a job; defaults to IDLE_WORKER_MS. */
  idleMs?: number;
}

/** Long enough to bridge the gaps between files of a burst, short enough that an idle node is lean. */
export const IDLE_WORKER_MS = 1000;

interface Job {
  jobId: number;
  path: string;
  onProgress: ((hashedBytes: number) => void) | undefined;
  resolve: (result: HashResult) => void;
  reject: (err: Error) => void;
}

/** Jobs handed to one worker at once: the one it hashes and the next. */
const JOBS_PER_WORKER = 2;

export class HashPool {
  readonly size: number;
  private readonly queue: Job[] = [];
  /** Each live worker's jobs, in the order it runs them; the first is being hashed. */
  private readonly assigned = new Map<Worker, Job[]>();
  private readonly workers = new Set<Worker>();
  private nextJobId = 1;
  private closed = false;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.idleMs = options.idleMs ?? IDLE_WORKER_MS;
  }

  hash(path: string, onProgress?: (hashedBytes: number) => void): Promise<HashResult> {
    if (this.closed) return Promise.reject(new Error('the hash pool is closed'));
    return new Promise<HashResult>((resolve, reject) => {
      this.queue.push({ jobId: this.nextJobId++, path, onProgress, resolve, reject });
      this.dispatch();
    });
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
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    while (!this.closed && this.queue.length > 0) {
      const worker = this.leastLoaded();
      if (!worker) return;
      const job = this.queue.shift() as Job;
      (this.assigned.get(worker) as Job[]).push(job);
      worker.ref(); // a running job keeps the process alive; an idle worker does not
      worker.postMessage({ jobId: job.jobId, path: job.path } satisfies HashJobMessage);
    }
    if (!this.closed && this.workers.size > 0 && this.active === 0) {
      this.idleTimer = setTimeout(() => this.stopIdleWorkers(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  /** The worker with the fewest jobs, a new one while the pool is not full and all have work, or none when all are full. */
  private leastLoaded(): Worker | undefined {
    let best: Worker | undefined;
    let bestLoad = JOBS_PER_WORKER;
    for (const [worker, jobs] of this.assigned) {
      if (jobs.length < bestLoad) {
        best = worker;
        bestLoad = jobs.length;
      }
    }
    if (bestLoad > 0 && this.workers.size < this.size) return this.spawn();
    return best;
  }

  /** Nothing to do for a while: give the workers' memory back; dispatch starts new ones on demand. */
  private stopIdleWorkers(): void {
    this.idleTimer = undefined;
    for (const [worker, jobs] of this.assigned) {
      if (jobs.length > 0) continue;
      this.workers.delete(worker); // first, so its 'exit' is not taken for a crash
      this.assigned.delete(worker);
      void worker.terminate();
    }
  }

  private spawn(): Worker {
    const { filename, options } = workerEntry(import.meta.url, 'hash-worker');
    const worker = new Worker(filename, options);
    this.workers.add(worker);
    this.assigned.set(worker, []);
    worker.on('message', (message: HashWorkerMessage) => this.onMessage(worker, message));
    worker.on('error', (err) => this.retire(worker, err));
    worker.on('exit', (code) => this.retire(worker, new Error(`a hash worker exited (code ${code})`)));
    return worker;
  }

  private onMessage(worker: Worker, message: HashWorkerMessage): void {
    const jobs = this.assigned.get(worker);
    const job = jobs?.[0];
    if (!jobs || !job || job.jobId !== message.jobId) return; // late news of a job already failed
    if (message.type === 'progress') {
      job.onProgress?.(message.hashedBytes);
      return;
    }
    jobs.shift();
    if (jobs.length === 0) worker.unref();
    if (message.type === 'done') {
      const { pieceHashes } = message.result;
      job.resolve({
        ...message.result,
        pieceHashes: Buffer.from(pieceHashes.buffer, pieceHashes.byteOffset, pieceHashes.byteLength),
      });
    } else {
      job.reject(toError(job.path, message));
    }
    this.dispatch();
  }

  /** A worker crashed or exited: fail its jobs, forget it, and let dispatch start a replacement. */
  private retire(worker: Worker, err: Error): void {
    if (!this.workers.delete(worker)) return; // already retired ('error' is followed by 'exit')
    const jobs = this.assigned.get(worker) ?? [];
    this.assigned.delete(worker);
    for (const job of jobs) job.reject(err);
    if (!this.closed) void worker.terminate();
    this.dispatch();
  }
}

/** Rebuilds the worker's error on this side, keeping the class callers branch on and the errno code. */
function toError(path: string, message: Extract<HashWorkerMessage, { type: 'error' }>): Error {
  if (message.changed) return Object.assign(new FileChangedWhileHashingError(path), { message: message.message });
  const err = new Error(message.message);
  return message.code === undefined ? err : Object.assign(err, { code: message.code });
}
