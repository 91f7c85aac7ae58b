// Hashes shared files on libuv's thread pool with the native addon (native/leaf-hash: hashFile),
// where it is built: no worker thread to start (~50 ms of a core each, per burst, on the machines
// measured), no message per batch, and nothing read into JavaScript. One call per file, or per
// part of a big file (file-parts.ts), does in C what a hash worker does in file-hasher.ts: lstat
// (never a FIFO or a link), open with O_NOFOLLOW, read and hash its pieces, and check that the
// file did not change meanwhile. The pool's other users (fs calls of the file server, piece
// checks, DNS) keep a thread: at most `size` files are hashed at once, one fewer than the pool has
// threads at most, and a big file goes in parts of NATIVE_PART_BYTES (~16 ms of a thread each), so
// whatever waits behind them waits little. Where the addon is missing (Windows, no compiler, no
// SHA instructions), hash-pool.ts's workers do the same with the same results.
import { availableParallelism } from 'node:os';
import { MAX_PIECE_SIZE, MIN_PIECE_SIZE, TARGET_MAX_PIECES } from '../../../src-shared/piece-size.js';
import { MAGIC_BYTES, type HashResult, type PartResult } from './file-hasher.js';
import { joinParts, planParts, SPLIT_MIN_BYTES } from './file-parts.js';
import { FileChangedWhileHashingError } from './hash-errors.js';
import type { NativeFileAnswer, NativeHashFile } from './leaf-hasher.js';
import { rootFromPieceLayer } from './merkle-tree.js';

/** libuv's thread pool: UV_THREADPOOL_SIZE, or its default. */
const UV_THREADS = Number(process.env.UV_THREADPOOL_SIZE) || 4;
/** A big file's parts: short turns on a shared thread. */
const NATIVE_PART_BYTES = 32 * 1024 * 1024;

export interface ThreadPoolHasherOptions {
  /** Files (or parts) hashed at once; defaults to os.availableParallelism(). At most one fewer than libuv's threads. */
  size?: number;
  /** A file of at least this many bytes is hashed in parts, side by side; defaults to SPLIT_MIN_BYTES. */
  splitMinBytes?: number;
}

export class ThreadPoolHasher {
  readonly size: number;
  private readonly splitMinBytes: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly hashFile: NativeHashFile, options: ThreadPoolHasherOptions = {}) {
    this.size = Math.max(1, Math.min(UV_THREADS - 1, Math.floor(options.size ?? availableParallelism())));
    this.splitMinBytes = options.splitMinBytes ?? SPLIT_MIN_BYTES;
  }

  /** `size`: the file's size as the caller last saw it, if known; a big file is then hashed in parts. */
  async hash(path: string, onProgress?: (hashedBytes: number) => void, size?: number): Promise<HashResult> {
    const parts = size === undefined ? [] : planParts(size, this.size, this.splitMinBytes, NATIVE_PART_BYTES);
    if (size === undefined || parts.length <= 1) {
      const whole = await this.run(path, 0, -1, -1);
      onProgress?.(whole.size);
      // One piece: its node is the root. The empty file's one node (its empty leaf) is its id, and it has no pieces.
      const id = rootFromPieceLayer(whole.nodes, whole.nodes.length / 32, whole.pieceSize).toString('hex');
      return { ...fileFields(whole), id, pieceHashes: whole.size === 0 ? Buffer.alloc(0) : whole.nodes };
    }
    const hashed = parts.map(() => 0);
    const results = await Promise.all(parts.map(async (part, i): Promise<PartResult> => {
      const answer = await this.run(path, part.start, part.end, part.fileSize);
      hashed[i] = part.end - part.start;
      onProgress?.(hashed.reduce((a, b) => a + b, 0));
      return { nodes: answer.nodes, magic: answer.head, mtimeMs: mtimeMsOf(answer), ino: answer.ino };
    }));
    return joinParts(path, size, results);
  }

  /** Nothing more is hashed: what waits fails; what runs finishes (a thread can't be stopped) and a closed library ignores it. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) {
      this.running++;
      wake();
    }
  }

  private async run(path: string, start: number, end: number, expectedSize: number) {
    await this.slot();
    try {
      if (this.closed) throw new Error('the hasher was closed before this file was hashed');
      const answer = await this.hashFile(path, start, end, expectedSize, MAGIC_BYTES, MIN_PIECE_SIZE, MAX_PIECE_SIZE, TARGET_MAX_PIECES);
      if ('notAFile' in answer) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'NOT_A_FILE' });
      if ('changed' in answer) throw new FileChangedWhileHashingError(path, answer.changed);
      return answer;
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot goes to the next file as it is
      else this.running--;
    }
  }

  /** Resolves once this file has one of the `size` slots. */
  private async slot(): Promise<void> {
    if (this.running < this.size) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

type Hashed = Extract<NativeFileAnswer, { nodes: Buffer }>;

/** As Node's fs.Stats computes mtimeMs, so the library's stamps compare equal to its lstat's. */
function mtimeMsOf(answer: Hashed): number {
  return answer.mtimeSec * 1e3 + answer.mtimeNsec / 1e6;
}

function fileFields(answer: Hashed): Omit<HashResult, 'id' | 'pieceHashes'> {
  return { size: answer.size, pieceSize: answer.pieceSize, magic: answer.head, mtimeMs: mtimeMsOf(answer), ino: answer.ino };
}
