// A fixed-size pool of hash workers with a FIFO queue: one file per worker at a time, workers
// started on demand and kept for later jobs. A worker that dies fails its job and is replaced.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import { FileChangedWhileHashingError } from './file-hasher.js';
import type { HashResult } from './file-hasher.js';
import type { HashJobMessage, HashWorkerMessage } from './hash-worker.js';

export interface HashPoolOptions {
  /** How many files are hashed at once; defaults to os.availableParallelism(). */
  size?: number;
}

interface Job {
  jobId: number;
  path: string;
  onProgress: ((hashedBytes: number) => void) | undefined;
  resolve: (result: HashResult) => void;
  reject: (err: Error) => void;
}

/**
 * Compiled (out/), the worker is plain .js. Under vitest this module is TypeScript, so the worker is
 * too and must be loaded through tsx. Node 20 ignores `--import` in a worker's execArgv (tried), so
 * a one-line bootstrap asks tsx's API to import the .ts entry instead.
 */
function workerEntry(): { filename: string | URL; options: WorkerOptions } {
  if (!import.meta.url.endsWith('.ts')) return { filename: new URL('./hash-worker.js', import.meta.url), options: {} };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./hash-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return { filename: bootstrap, options: { eval: true } };
}

export class HashPool {
  readonly size: number;
  private readonly queue: Job[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly workers = new Set<Worker>();
  private nextJobId = 1;
  private closed = false;

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
  }

  hash(path: string, onProgress?: (hashedBytes: number) => void): Promise<HashResult> {
    if (this.closed) return Promise.reject(new Error('the hash pool is closed'));
    return new Promise<HashResult>((resolve, reject) => {
      this.queue.push({ jobId: this.nextJobId++, path, onProgress, resolve, reject });
      this.dispatch();
    });
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Jobs being hashed right now. */
  get active(): number {
    return this.busy.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = () => new Error('the hash pool was closed before this file was hashed');
    for (const job of this.queue.splice(0)) job.reject(closedError());
    for (const job of this.busy.values()) job.reject(closedError());
    this.busy.clear();
    this.idle.length = 0;
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift() as Job;
      this.busy.set(worker, job);
      worker.ref(); // a running job keeps the process alive; an idle worker does not
      worker.postMessage({ jobId: job.jobId, path: job.path } satisfies HashJobMessage);
    }
  }

  private spawn(): Worker {
    const { filename, options } = workerEntry();
    const worker = new Worker(filename, options);
    this.workers.add(worker);
    worker.on('message', (message: HashWorkerMessage) => this.onMessage(worker, message));
    worker.on('error', (err) => this.retire(worker, err));
    worker.on('exit', (code) => this.retire(worker, new Error(`a hash worker exited (code ${code})`)));
    return worker;
  }

  private onMessage(worker: Worker, message: HashWorkerMessage): void {
    const job = this.busy.get(worker);
    if (!job || job.jobId !== message.jobId) return; // late news of a job already failed
    if (message.type === 'progress') {
      job.onProgress?.(message.hashedBytes);
      return;
    }
    this.busy.delete(worker);
    worker.unref();
    this.idle.push(worker);
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

  /** A worker crashed or exited: fail its job, forget it, and let dispatch start a replacement. */
  private retire(worker: Worker, err: Error): void {
    if (!this.workers.delete(worker)) return; // already retired ('error' is followed by 'exit')
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    job?.reject(err);
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
