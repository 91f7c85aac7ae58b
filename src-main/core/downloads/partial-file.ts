// The file a download writes into: named "<name>.<id prefix>.shoal-partial" in the downloads
// folder (the library never shares such names), sized up front, written piece by piece at each
// piece's offset, synced before the verified bitfield is saved.
import { open, type FileHandle } from 'node:fs/promises';
import { PARTIAL_DOWNLOAD_SUFFIX } from '../library/ignore-rules.js';

export function partialFileName(name: string, fileId: string): string {
  return `${name}.${fileId.slice(0, 8)}${PARTIAL_DOWNLOAD_SUFFIX}`;
}

export class PartialFile {
  private writing: Promise<void> = Promise.resolve();

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
   * Writes `data` at `offset`, going on after a short write. Writes run one at a time: buffered
   * writes to one file take its inode lock, and several at once from the thread pool spun on it
   * (a CPU profile showed the kernel spinning for the lock).
   */
  write(offset: number, data: Buffer): Promise<void> {
    const done = this.writing.then(async () => {
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await this.handle.write(data, written, data.length - written, offset + written);
        written += bytesWritten;
      }
    });
    this.writing = done.catch(() => undefined);
    return done;
  }

  sync(): Promise<void> {
    return this.handle.datasync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
