// The file a download writes into: named "<name>.<id prefix>.shoal-partial" in the downloads
// folder (the library never shares such names), sized up front, written piece by piece at each
// piece's offset, synced before the verified bitfield is saved.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { PARTIAL_DOWNLOAD_SUFFIX } from '../library/ignore-rules.js';

export function partialFileName(name: string, fileId: string): string {
  return `${name}.${fileId.slice(0, 8)}${PARTIAL_DOWNLOAD_SUFFIX}`;
}

export class PartialFile {
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

  /** Writes the chunks one after the other from `offset`, in as few system calls as the OS allows. */
  async write(offset: number, chunks: readonly Buffer[]): Promise<void> {
    let rest = chunks.filter((c) => c.length > 0);
    let position = offset;
    while (rest.length > 0) {
      let { bytesWritten } = await this.handle.writev(rest.slice(0, 1024), position);
      position += bytesWritten;
      // A short write leaves part of the list: go on from the first byte not written.
      const left: Buffer[] = [];
      for (const chunk of rest) {
        if (bytesWritten >= chunk.length) bytesWritten -= chunk.length;
        else {
          left.push(bytesWritten > 0 ? chunk.subarray(bytesWritten) : chunk);
          bytesWritten = 0;
        }
      }
      rest = left;
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const data = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await this.handle.read(data, read, length - read, offset + read);
      if (bytesRead === 0) throw new Error('the partial file is shorter than expected');
      read += bytesRead;
    }
    return data;
  }

  async sha256Of(offset: number, length: number): Promise<string> {
    return createHash('sha256').update(await this.read(offset, length)).digest('hex');
  }

  sync(): Promise<void> {
    return this.handle.datasync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
