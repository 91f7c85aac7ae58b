// The file a download writes into: named "<name>.<id prefix>.shoal-partial" in the downloads
// folder (the library never shares such names), sized up front, written piece by piece at each
// piece's offset, synced before the verified bitfield is saved.
import { open, type FileHandle } from 'node:fs/promises';
import { PARTIAL_DOWNLOAD_SUFFIX } from '../library/ignore-rules.js';

export function partialFileName(name: string, fileId: string): string {
  return `${name}.${fileId.slice(0, 8)}${PARTIAL_DOWNLOAD_SUFFIX}`;
}

/** One write waiting its turn. */
interface QueuedWrite {
  offset: number;
  data: Buffer;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * The most one write system call takes. Bigger writes into the page cache cost this machine's
 * kernel several times the CPU per byte, and unevenly: 512 MiB written in 32 MiB calls took
 * 145-540 ms of system time (mean 378 over 6 runs), in calls of 1 MiB or less 72-91 ms every time
 * (docs/benchmarks.md). Runs of 64 pieces of 512 KiB made 32 MiB calls.
 */
const MAX_WRITE_BYTES = 1024 * 1024;

export class PartialFile {
  /** Writes not started yet, in the order they came. */
  private queued: QueuedWrite[] = [];
  private draining = false;

  private constructor(private readonly handle: FileHandle, readonly created: boolean) {}

  /** Opens the partial file, creating it at its full size when missing (`created` then says so). */
  static async open(path: string, size: number): Promise<PartialFile> {
    let handle: FileHandle;
    let created = false;
    try {
      handle = await open(path, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      handle = await open(path, 'wx+', 0o644);
      created = true;
    }
    try {
      if ((await handle.stat()).size !== size) await handle.truncate(size);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new PartialFile(handle, created);
  }

  /**
   * Writes `data` at `offset`. Writes run one at a time: buffered writes to one file take its
   * inode lock, and several at once from the thread pool spun on it (a CPU profile showed the
   * kernel spinning for the lock). Pieces that queued up meanwhile go in one `pwritev` per run of
   * adjacent ones, up to MAX_WRITE_BYTES: one write per piece, each a round trip through the
   * thread pool and the busy main thread, left a fast download waiting on its own writes (30 ms
   * per 512 KiB piece).
   */
  write(offset: number, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ offset, data, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  sync(): Promise<void> {
    return this.handle.datasync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queued.length > 0) {
      const waiting = this.queued.sort((a, b) => a.offset - b.offset);
      this.queued = [];
      for (const run of adjacentRuns(waiting)) {
        try {
          await this.writeAll(run.map((w) => w.data), run[0]!.offset);
          for (const w of run) w.resolve();
        } catch (err) {
          for (const w of run) w.reject(err);
        }
      }
    }
    this.draining = false;
  }

  /** Writes `buffers` one after another from `position`, at most MAX_WRITE_BYTES a call, going on after a short write. */
  private async writeAll(buffers: Buffer[], position: number): Promise<void> {
    let left = buffers;
    let at = position;
    while (left.length > 0) {
      const first = left[0]!;
      const { bytesWritten } = await this.handle.writev(first.length > MAX_WRITE_BYTES ? [first.subarray(0, MAX_WRITE_BYTES)] : left, at);
      at += bytesWritten;
      let skip = bytesWritten;
      while (left.length > 0 && skip >= left[0]!.length) skip -= left.shift()!.length;
      if (skip > 0) left = [left[0]!.subarray(skip), ...left.slice(1)];
    }
  }
}

/** Splits writes sorted by offset into runs where each starts where the previous ended, of at most MAX_WRITE_BYTES unless one write alone is more. */
function adjacentRuns(writes: QueuedWrite[]): QueuedWrite[][] {
  const runs: QueuedWrite[][] = [];
  let run: QueuedWrite[] = [];
  let end = -1;
  let bytes = 0;
  for (const w of writes) {
    if (run.length === 0 || w.offset !== end || bytes + w.data.length > MAX_WRITE_BYTES) {
      if (run.length > 0) runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(w);
    bytes += w.data.length;
    end = w.offset + w.data.length;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
