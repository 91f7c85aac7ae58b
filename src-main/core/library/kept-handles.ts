// Keeps the checked handle of a file being served open a moment after its answer ends, so the
// next range of a file served often costs one fstat (its stamp checked again, as on every open)
// and the read, instead of two realpaths, an open, an fstat, the read and a close: each of those
// is a trip through libuv's thread pool and the event loop, which wait their turn behind whatever
// else the node does (`npm run bench -- abuse`). A kept handle is the inode that was checked to be
// inside its root and to hold the hashed bytes; while its size, mtime and inode still match, it
// holds exactly those bytes, even if its path was meanwhile renamed or replaced (for at most
// KEEP_MS after its last use). Closed once unused for KEEP_MS, at once when its stamp no longer
// matches, and all when the library closes. Bounded: past MAX_KEPT, handles are not kept.
import type { FileHandle } from 'node:fs/promises';
import type { LocationRow } from '../store/library-store.js';
import { matchesStamp } from './library-stamp.js';

/** How long an unused handle stays open. */
const KEEP_MS = 2_000;
/** Handles kept open at once, at most (a node's open-file limit is shared with everything else). */
const MAX_KEPT = 64;

/** A handle lent to one answer; `release` when done with it (it is closed or kept). */
export interface LentHandle {
  handle: FileHandle;
  release(): Promise<void>;
}

interface Kept {
  handle: FileHandle;
  users: number;
  /** No longer matching its stamp: closed once its last user is done. */
  stale: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class KeptHandles {
  private readonly kept = new Map<string, Kept>();

  /** The handle kept for `path`, if any, lent once its stamp was checked again against `location`. */
  async lend(path: string, location: Pick<LocationRow, 'size' | 'mtimeMs' | 'inode'>): Promise<LentHandle | undefined> {
    const entry = this.kept.get(path);
    if (!entry || entry.stale) return undefined;
    entry.users++;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const st = await entry.handle.stat().catch(() => undefined);
    if (st?.isFile() && matchesStamp(location, st)) return { handle: entry.handle, release: () => this.release(path, entry) };
    entry.stale = true;
    await this.release(path, entry);
    return undefined;
  }

  /** Lends a handle just opened and checked for `path`, keeping it afterwards if there is room. */
  keep(path: string, handle: FileHandle): LentHandle {
    if (this.kept.has(path) || this.kept.size >= MAX_KEPT) return { handle, release: () => handle.close() };
    const entry: Kept = { handle, users: 1, stale: false, timer: undefined };
    this.kept.set(path, entry);
    return { handle, release: () => this.release(path, entry) };
  }

  /** Closes every kept handle (those lent are closed when released). */
  async close(): Promise<void> {
    const idle = [...this.kept].filter(([, entry]) => entry.users === 0);
    for (const entry of this.kept.values()) entry.stale = true;
    await Promise.all(idle.map(([path, entry]) => this.drop(path, entry)));
  }

  private async release(path: string, entry: Kept): Promise<void> {
    entry.users--;
    if (entry.users > 0) return;
    if (entry.stale) {
      await this.drop(path, entry);
      return;
    }
    entry.timer = setTimeout(() => void this.drop(path, entry), KEEP_MS);
    entry.timer.unref();
  }

  private async drop(path: string, entry: Kept): Promise<void> {
    clearTimeout(entry.timer);
    if (this.kept.get(path) === entry) this.kept.delete(path);
    await entry.handle.close().catch(() => undefined);
  }
}
