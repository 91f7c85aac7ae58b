// Indexes one file the scheduler hands over: looks at it, recognises a rename by its stamp (no
// hash, whichever of the old and new path the watcher reports first), or has the hash pool hash
// it, classifies it and queues it to be written.
import { lstatSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import type { HashingStatus } from '../../../src-shared/api/library.js';
import type { HashResult } from '../hashing/file-hasher.js';
import { FileChangedWhileHashingError } from '../hashing/hash-errors.js';
import type { FileRow, LibraryStore } from '../store/library-store.js';
import { classifyFile } from './file-classifier.js';
import { sniffMime } from './mime-sniffer.js';
import { matchesStamp, type Stamp } from './library-stamp.js';
import type { LibraryRoots } from './library-roots.js';
import type { LocationRecorder } from './location-recorder.js';
import type { RenameMemory } from './rename-memory.js';

export interface Hasher {
  /** `size`: the size the walk or watcher saw, so the hasher can send small files in batches. */
  hash(path: string, onProgress?: (hashedBytes: number) => void, size?: number): Promise<HashResult>;
}

export interface FileIndexerOptions {
  store: LibraryStore;
  hasher: Hasher;
  roots: LibraryRoots;
  renames: RenameMemory;
  recorder: LocationRecorder;
  logger: Logger;
  /** Bytes; 0 = no limit. */
  maxFileSize: number;
  /** Forgets a path's location (it is gone, or no longer shareable). */
  forget(path: string): void;
  /** Queues the path again (it changed while it was read). */
  requeue(path: string, size: number): void;
  /** The library is closing: whatever comes back is dropped, failures included. */
  closed(): boolean;
}

export type HashCounters = Pick<HashingStatus, 'hashedFiles' | 'failedFiles' | 'hashedBytes'>;

export class FileIndexer {
  readonly counters: HashCounters = { hashedFiles: 0, failedFiles: 0, hashedBytes: 0 };

  constructor(private readonly o: FileIndexerOptions) {}

  /** `seen`: a stat taken when the file was queued, trusted instead of asking again (~0.2 ms of this thread per file). */
  async index(path: string, seen: Stamp | undefined, onProgress: (hashedBytes: number) => void): Promise<void> {
    const { store, roots } = this.o;
    const st = seen ?? (await lstat(path).then((s) => (s.isFile() ? s : undefined), () => undefined));
    if (this.o.closed()) return;
    if (!st) {
      // Gone, or a symbolic link: symlinks are never followed out of a root (nor by the hasher).
      this.forgetKnown(path);
      return;
    }
    const root = roots.rootOf(path);
    if (!root) return;
    if (this.o.maxFileSize > 0 && st.size > this.o.maxFileSize) {
      this.o.logger.info({ path, size: st.size }, 'not sharing a file larger than max_file_size');
      this.forgetKnown(path);
      return;
    }
    if (this.settledWithoutHash(path, st)) return;

    let result: HashResult;
    try {
      result = await this.o.hasher.hash(path, onProgress, st.size);
    } catch (err) {
      if (this.o.closed()) return; // the pool was closed under it: nothing went wrong
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof FileChangedWhileHashingError) {
        this.o.requeue(path, st.size); // still being written: the next attempt sees the final bytes
      } else if (code === 'ENOENT' || code === 'NOT_A_FILE') {
        this.forgetKnown(path); // gone or replaced by a link since it was queued
      } else {
        this.counters.failedFiles++;
        this.o.logger.warn({ err, path }, 'could not hash a file');
      }
      return;
    }
    this.counters.hashedFiles++;
    this.counters.hashedBytes += result.size;
    const detectedMime = await sniffMime(result.magic);
    if (this.o.closed() || !roots.rootOf(path) || store.isExcluded(path)) return;
    if (this.o.maxFileSize > 0 && result.size > this.o.maxFileSize) return; // grew past the limit since it was queued
    const { mime, category } = classifyFile(basename(path), detectedMime);
    const file: FileRow = {
      id: result.id, size: result.size, pieceSize: result.pieceSize, pieceHashes: result.pieceHashes,
      mime, category, userTags: [], sharedAt: Date.now(), sha256: null,
    };
    this.o.recorder.record(file, { path, root, size: result.size, mtimeMs: result.mtimeMs, ino: result.ino });
  }

  /**
   * Whether `path` needs no hash: its location is known with this very stamp, or the content it
   * holds was moved here and is now recorded there (recordIfMoved).
   */
  settledWithoutHash(path: string, st: Stamp): boolean {
    const known = this.o.store.getLocation(path);
    return (known !== undefined && matchesStamp(known, st)) || this.recordIfMoved(path, st);
  }

  /**
   * Records `path` under the content it holds, without a hash, when that content was moved here
   * (renamed, or its folder was): true if so. Its old location is either forgotten already (its
   * path was seen gone first: the rename memory has it) or still known at a path that no longer
   * holds this stamp: the watcher settles each path on its own timer, so a rename's new path can
   * be looked at before its old one. That location is forgotten now, as its own event would, and
   * so remembered: whichever order the two paths come in, the content moves and is not hashed.
   */
  private recordIfMoved(path: string, st: Stamp): boolean {
    const root = this.o.roots.rootOf(path);
    if (!root || (this.o.maxFileSize > 0 && st.size > this.o.maxFileSize)) return false;
    for (const from of this.o.store.pathsWithStamp(st)) {
      // Still there with this stamp: a hard link (both paths hold the content), not a move.
      if (from !== path && !holdsStamp(from, st)) this.o.forget(from);
    }
    const moved = this.o.renames.find(st);
    if (!moved) return false;
    this.o.recorder.record(moved, { path, root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
    return true;
  }

  private forgetKnown(path: string): void {
    if (this.o.store.getLocation(path)) this.o.forget(path);
  }
}

/** Whether `path` is a file with this very stamp now. Synchronous (one lstat, rarely needed): nothing can forget or record a path between the look and the forget. */
function holdsStamp(path: string, st: Stamp): boolean {
  try {
    const now = lstatSync(path, { throwIfNoEntry: false });
    return now !== undefined && now.isFile() && now.size === st.size && now.mtimeMs === st.mtimeMs && now.ino === st.ino;
  } catch {
    return false; // unreadable (a folder on its path is no longer one, say): it no longer holds it
  }
}
