// The main-thread side of hash-thread-worker.ts: one thread checks every running download's
// pieces against the hash tree, so the event loop only moves bytes between sockets and the disk. A
// piece's memory moves to the thread to be checked and back (transferred, not copied: shared memory
// was tried, and copying socket reads into it went through V8's slow atomic-safe memmove). The
// same thread computes library files' whole-content SHA-256 in the background, a step at a time.
// The thread starts with the first request and stops when none is left.
// Where the native addon is built (leaf-hasher.ts), pieces are checked on libuv's thread pool
// instead: no thread to start (~80 ms of CPU, ~10 MB), no message and no move per piece, and two
// pieces can be checked at once on two cores. The thread then only computes digests.
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../threads/worker-entry.js';
import type { HashThreadReply, HashThreadRequest } from './hash-thread-worker.js';
import { nativeCheckPiece, type CheckPiece } from './leaf-hasher.js';

/** One file's whole-content SHA-256, read in steps the caller paces. */
export interface ContentDigest {
  /** Hashes the file's bytes up to `bytes`. */
  advance(bytes: number): Promise<void>;
  /** The hex SHA-256 of the prefix advanced to. Ends the digest. */
  digest(): Promise<string>;
  /** Forgets the digest; nothing more is read. */
  close(): void;
}

/** How long an idle hash thread is kept, waiting for the next piece. */
const IDLE_THREAD_MS = 2_000;

interface Waiting {
  resolve(reply: HashThreadReply): void;
  reject(err: Error): void;
}

export class HashThread {
  /** @param checkPiece checks pieces off the event loop without the thread; null: in the thread. */
  constructor(private readonly checkPiece: CheckPiece | null = nativeCheckPiece ?? null) {}

  private worker: Worker | null = null;
  private nextId = 1;
  private readonly openDigests = new Set<number>();
  private readonly waiting = new Map<number, Waiting>();
  private idleTimer: NodeJS.Timeout | undefined;

  /**
   * Whether the tree root of `data` (its 16 KiB leaves padded to `leaves`, merkle-tree.ts) is
   * `expected`. `data` must own its whole ArrayBuffer (PieceBuffers' do): it moves to the thread
   * (or is read where it is, on the thread pool) and must not be used until the answer; the same
   * bytes come back as `data`.
   */
  async check(data: Buffer, expected: Buffer, leaves: number): Promise<{ matches: boolean; data: Buffer }> {
    const { buffer: memory, length } = data;
    if (!(memory instanceof ArrayBuffer) || data.byteOffset !== 0) throw new Error('check() moves a buffer that owns its memory (PieceBuffers)');
    if (this.checkPiece) return { matches: await this.checkPiece(data, leaves, expected), data };
    const reply = await this.ask({ type: 'check', id: this.nextId++, data: memory, length, leaves, expected }, [memory]);
    if (reply.type !== 'checked') throw new Error('the hash thread answered out of turn');
    return { matches: reply.matches, data: Buffer.from(reply.data, 0, length) };
  }

  /**
   * Starts the thread now, not with the first request, if pieces are checked in it: booting it
   * costs ~80 ms on another core, so a command that will check pieces soon (`shoal get`) has it
   * ready by then. Idle, it stops as usual.
   */
  warmUp(): void {
    if (this.checkPiece) return;
    this.worker ??= this.spawn();
    this.stopWhenIdle();
  }

  /** Opens the whole-content digest of the file at `path`. */
  async startDigest(path: string): Promise<ContentDigest> {
    const digest = this.nextId++;
    this.openDigests.add(digest);
    let ended = false;
    const end = () => {
      ended = true;
      this.openDigests.delete(digest);
    };
    const step = async (request: Exclude<HashThreadRequest, { type: 'close' }>) => {
      if (ended) throw new Error('this digest has ended');
      return this.ask(request).catch((err: unknown) => {
        end();
        this.stopWhenIdle();
        throw err;
      });
    };
    await step({ type: 'open', id: this.nextId++, digest, path });
    return {
      advance: async (bytes) => {
        await step({ type: 'advance', id: this.nextId++, digest, bytes });
      },
      digest: async () => {
        const reply = await step({ type: 'digest', id: this.nextId++, digest });
        end();
        this.stopWhenIdle();
        if (reply.type !== 'digest') throw new Error('the hash thread answered out of turn');
        return reply.hex;
      },
      close: () => {
        if (ended) return;
        end();
        this.send({ type: 'close', digest });
        this.stopWhenIdle();
      },
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = null;
    this.openDigests.clear();
    this.failAll(new Error('the node is stopping'));
    await worker?.terminate();
  }

  private ask(request: Exclude<HashThreadRequest, { type: 'close' }>, transfer?: ArrayBuffer[]): Promise<HashThreadReply> {
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.send(request, transfer);
    });
  }

  private send(request: HashThreadRequest, transfer?: ArrayBuffer[]): void {
    clearTimeout(this.idleTimer);
    (this.worker ??= this.spawn()).postMessage(request, transfer);
  }

  private spawn(): Worker {
    const { filename, options } = workerEntry(import.meta.url, 'hash-thread-worker');
    const worker = new Worker(filename, options);
    worker.on('message', (reply: HashThreadReply) => this.onReply(reply));
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      // Open digests died with the thread: asked for, they fail, and their downloads start over.
      this.openDigests.clear();
      this.failAll(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the download hash thread exited (code ${code})`)));
    return worker;
  }

  private onReply(reply: HashThreadReply): void {
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (waiting) {
      if (reply.type === 'error') waiting.reject(Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code }));
      else waiting.resolve(reply);
    }
    this.stopWhenIdle();
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  /**
   * Nothing open or asked for a while: the thread goes (an idle one holds ~10 MB). Not at once: a
   * download asks piece after piece with gaps between, and starting a thread costs ~50 ms of CPU.
   */
  private stopWhenIdle(): void {
    if (this.openDigests.size > 0 || this.waiting.size > 0 || !this.worker) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const worker = this.worker;
      if (!worker || this.openDigests.size > 0 || this.waiting.size > 0) return;
      this.worker = null;
      void worker.terminate();
    }, IDLE_THREAD_MS);
    this.idleTimer.unref();
  }
}
