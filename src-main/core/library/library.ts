// The library: what this node shares. Roots are the shared folder plus every path the user shared
// by hand; chokidar watches them, a start-up rescan compares them with the database, and a pool of
// workers hashes whatever is new or changed. One content (file id) may live at several paths.
import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, sep } from 'node:path';
import type { Logger } from 'pino';
import type { IndexedFile } from '../../../src-shared/api/index-routes.js';
import type { HashingStatus, SharedFile } from '../../../src-shared/api/library.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { EventBus } from '../events/event-bus.js';
import { throttle } from '../events/throttle.js';
import type { HashResult } from '../hashing/file-hasher.js';
import { FileChangedWhileHashingError } from '../hashing/file-hasher.js';
import type { FileQuery, FileRow, LibraryStore, LocationRow } from '../store/library-store.js';
import { classifyFile } from './file-classifier.js';
import { walkFolder } from './folder-walker.js';
import { isIgnoredName } from './ignore-rules.js';
import { isCleanAbsolutePath, isInside } from './path-rules.js';
import { toIndexedFile, toSharedFile } from './shared-file-view.js';

export interface Hasher {
  hash(path: string, onProgress?: (hashedBytes: number) => void): Promise<HashResult>;
}

export interface LibraryOptions {
  store: LibraryStore;
  hasher: Hasher;
  /** How many files are hashed at once (the pool's size). */
  hashConcurrency: number;
  bus: EventBus;
  logger: Logger;
  sharedDirectory: string;
  /** The node's data folder: never shareable (it holds the control token). */
  dataDirectory: string;
  /** Bytes; 0 = no limit. */
  maxFileSize: number;
  /** How long a file must stay unchanged before it is hashed (chokidar's awaitWriteFinish). */
  writeSettleMs?: number;
}

/** An open, verified file ready to be served. */
export interface ServableFile {
  handle: FileHandle;
  file: FileRow;
  name: string;
}

const RENAME_MEMORY_MS = 10_000;

export class Library {
  private watcher: FSWatcher | undefined;
  private readonly roots = new Set<string>();
  private readonly pending = new Map<string, number>(); // path -> size, waiting for a hasher
  private readonly inFlight = new Map<string, { size: number; hashedBytes: number }>();
  /** Contents whose last location vanished a moment ago, by (inode, size, mtime): a rename, if it reappears. */
  private readonly recentlyUnlinked = new Map<string, { file: FileRow; at: number }>();
  private counters = { hashedFiles: 0, failedFiles: 0, hashedBytes: 0 };
  private scanning = false;
  private closed = false;
  private readyPromise: Promise<void> = Promise.resolve();
  private readonly publishProgress;

  constructor(private readonly o: LibraryOptions) {
    this.publishProgress = throttle(() => this.o.bus.publish('hashing_progress', this.hashingStatus()), 250);
  }

  /** Starts watching and rescanning; resolves at once. `whenReady()` resolves once the rescan is done. */
  async start(): Promise<void> {
    await mkdir(this.o.sharedDirectory, { recursive: true });
    this.roots.add(await realpath(this.o.sharedDirectory));
    for (const path of this.o.store.sharedPaths()) this.roots.add(path);
    const settle = this.o.writeSettleMs ?? 500;
    this.watcher = watch([], {
      ignoreInitial: true,
      followSymlinks: false,
      awaitWriteFinish: { stabilityThreshold: settle, pollInterval: Math.min(100, settle) },
      ignored: (path: string) => !this.roots.has(path) && isIgnoredName(basename(path)),
    });
    this.watcher
      .on('add', (path, st) => this.onDiskChange(path, st))
      .on('change', (path, st) => this.onDiskChange(path, st))
      .on('unlink', (path) => this.forget(path))
      .on('unlinkDir', (path) => this.forgetUnder(path))
      .on('error', (err) => this.o.logger.warn({ err }, 'file watcher error'));
    const watcherReady = new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
    this.watcher.add([...this.roots]);
    this.scanning = true;
    this.readyPromise = watcherReady
      .then(() => this.rescan())
      .catch((err: unknown) => this.o.logger.error({ err }, 'library rescan failed'))
      .finally(() => {
        this.scanning = false;
        this.publishProgress();
      });
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Resolves when the rescan is done and nothing is waiting to be hashed. */
  async whenIdle(): Promise<void> {
    await this.readyPromise;
    while (this.pending.size > 0 || this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.publishProgress.cancel();
    this.pending.clear();
    await this.watcher?.close();
  }

  // ---- queries ------------------------------------------------------------------------------

  query(q: FileQuery, includePaths: boolean): { items: SharedFile[]; total: number } {
    const { rows, total } = this.o.store.queryFiles(q);
    return { items: rows.map((f) => toSharedFile(f, this.o.store.locationsOf(f.id), includePaths)), total };
  }

  get(fileId: string, includePaths: boolean): SharedFile {
    const file = this.o.store.getFile(fileId);
    if (!file) throw new ShoalError('FILE_NOT_FOUND');
    return toSharedFile(file, this.o.store.locationsOf(fileId), includePaths);
  }

  pieces(fileId: string): { id: string; size: number; pieceSize: number; pieces: string[] } {
    const file = this.o.store.getFile(fileId);
    if (!file) throw new ShoalError('FILE_NOT_FOUND');
    const pieces: string[] = [];
    for (let i = 0; i < file.pieceHashes.length; i += 32) pieces.push(file.pieceHashes.subarray(i, i + 32).toString('hex'));
    return { id: file.id, size: file.size, pieceSize: file.pieceSize, pieces };
  }

  /** Every shared content as the index servers want it, one entry per content. */
  indexEntries(): IndexedFile[] {
    return this.o.store.allFiles().map((file) => toIndexedFile(toSharedFile(file, this.o.store.locationsOf(file.id), false)));
  }

  counts(): { files: number; locations: number; bytes: number } {
    return this.o.store.counts();
  }

  hashingStatus(): HashingStatus {
    let queuedBytes = 0;
    for (const size of this.pending.values()) queuedBytes += size;
    return {
      queuedFiles: this.pending.size,
      activeFiles: this.inFlight.size,
      ...this.counters,
      queuedBytes,
      current: [...this.inFlight].map(([path, p]) => ({ path, size: p.size, hashedBytes: p.hashedBytes })),
      scanning: this.scanning,
    };
  }

  /**
   * Opens a content for serving: a location whose bytes are still the ones hashed (size, mtime and
   * inode of the open handle match) and whose real path is still inside its root.
   */
  async openForServing(fileId: string): Promise<ServableFile> {
    const file = this.o.store.getFile(fileId);
    if (!file) throw new ShoalError('FILE_NOT_FOUND');
    let changed = false;
    for (const location of this.o.store.locationsOf(fileId)) {
      let handle: FileHandle | undefined;
      try {
        const real = await realpath(location.path);
        if (!isInside(real, await realpath(location.root))) continue;
        handle = await open(real, 'r');
        const st = await handle.stat();
        if (st.isFile() && st.size === location.size && st.mtimeMs === location.mtimeMs && st.ino === location.inode) {
          return { handle, file, name: location.name };
        }
        changed = true;
        this.enqueue(location.path, st.size);
      } catch {
        // Gone or unreadable: try the next location; the watcher will forget this one.
      }
      await handle?.close();
    }
    throw new ShoalError(changed ? 'FILE_CHANGED' : 'FILE_NOT_FOUND');
  }

  // ---- commands -----------------------------------------------------------------------------

  /** Shares a file or folder by its absolute path; its files are hashed in the background. */
  async share(path: string): Promise<{ path: string; kind: 'file' | 'folder' }> {
    if (!isCleanAbsolutePath(path)) throw new ShoalError('INVALID_PATH');
    let real: string;
    let st: Stats;
    try {
      real = await realpath(path);
      st = await stat(real);
    } catch {
      throw new ShoalError('PATH_NOT_FOUND');
    }
    if (!st.isFile() && !st.isDirectory()) throw new ShoalError('NOT_A_FILE');
    const dataDir = await realpath(this.o.dataDirectory).catch(() => this.o.dataDirectory);
    if (isInside(real, dataDir) || isInside(dataDir, real)) throw new ShoalError('PATH_NOT_SHAREABLE');
    if (st.isFile() && this.o.maxFileSize > 0 && st.size > this.o.maxFileSize) throw new ShoalError('FILE_TOO_LARGE');
    const kind = st.isFile() ? 'file' : 'folder';

    this.o.store.unexcludeUnder(real, sep);
    if (!this.rootOf(real)) {
      this.o.store.addSharedPath(real);
      this.roots.add(real);
      this.watcher?.add(real);
    }
    if (st.isFile()) this.enqueue(real, st.size);
    else for (const f of await walkFolder(real)) if (!this.o.store.isExcluded(f.path)) this.enqueue(f.path, f.size);
    return { path: real, kind };
  }

  /** Stops sharing a content: every location of it. Paths inside a shared folder are remembered as excluded. */
  unshare(fileId: string): { id: string; removedPaths: string[] } {
    const locations = this.o.store.locationsOf(fileId);
    if (locations.length === 0) throw new ShoalError('FILE_NOT_FOUND');
    this.o.store.batch(() => {
      for (const location of locations) {
        if (location.path === location.root) {
          this.o.store.removeSharedPath(location.root);
          this.roots.delete(location.root);
          void this.watcher?.unwatch(location.root);
        } else {
          this.o.store.exclude(location.path);
        }
        this.o.store.removeLocation(location.path);
      }
    });
    this.o.bus.publish('library_file_removed', { id: fileId });
    return { id: fileId, removedPaths: locations.map((l) => l.path) };
  }

  setUserTags(fileId: string, tags: string[]): SharedFile {
    if (!this.o.store.getFile(fileId)) throw new ShoalError('FILE_NOT_FOUND');
    this.o.store.setUserTags(fileId, [...new Set(tags)]);
    const view = this.get(fileId, true);
    this.o.bus.publish('library_file_updated', view);
    return view;
  }

  // ---- scanning and hashing -----------------------------------------------------------------

  private rootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const root of this.roots) if (isInside(path, root) && (!best || root.length > best.length)) best = root;
    return best;
  }

  private async rescan(): Promise<void> {
    const seen = new Set<string>();
    for (const root of [...this.roots]) {
      const st = await lstat(root).catch(() => undefined);
      const walked = st?.isFile() ? [{ path: root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }] : st?.isDirectory() ? await walkFolder(root) : [];
      for (const f of walked) {
        if (seen.has(f.path) || this.rootOf(f.path) !== root) continue;
        seen.add(f.path);
        const known = this.o.store.getLocation(f.path);
        if (known && matches(known, f)) continue;
        if (!this.o.store.isExcluded(f.path)) this.enqueue(f.path, f.size);
      }
    }
    const gone = this.o.store.allLocations().filter((l) => !seen.has(l.path));
    for (const location of gone) this.forget(location.path, false);
  }

  private onDiskChange(path: string, st: Stats | undefined): void {
    if (this.closed || !this.rootOf(path) || this.o.store.isExcluded(path)) return;
    this.enqueue(path, st?.size ?? 0);
  }

  private enqueue(path: string, size: number): void {
    if (this.closed) return;
    this.pending.set(path, size);
    this.pump();
  }

  private pump(): void {
    // Twice the pool: while one file's result is being stored, the next is already hashing.
    while (!this.closed && this.inFlight.size < this.o.hashConcurrency * 2 && this.pending.size > 0) {
      const [path, size] = this.pending.entries().next().value as [string, number];
      this.pending.delete(path);
      if (this.inFlight.has(path)) {
        // Already hashing: look again once that ends (the file changed meanwhile).
        setTimeout(() => this.enqueue(path, size), 200);
        continue;
      }
      this.inFlight.set(path, { size, hashedBytes: 0 });
      this.publishProgress();
      void this.hashOne(path).finally(() => {
        this.inFlight.delete(path);
        this.publishProgress();
        this.pump();
      });
    }
  }

  private async hashOne(path: string): Promise<void> {
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isFile()) {
      // Gone, or a symbolic link: symlinks are never followed out of a root.
      if (this.o.store.getLocation(path)) this.forget(path);
      return;
    }
    const root = this.rootOf(path);
    if (!root) return;
    if (this.o.maxFileSize > 0 && st.size > this.o.maxFileSize) {
      this.o.logger.info({ path, size: st.size }, 'not sharing a file larger than max_file_size');
      if (this.o.store.getLocation(path)) this.forget(path);
      return;
    }
    const known = this.o.store.getLocation(path);
    if (known && matches(known, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino })) return;

    const renamed = this.recentlyUnlinked.get(statKey(st.ino, st.size, st.mtimeMs));
    if (renamed && Date.now() - renamed.at < RENAME_MEMORY_MS) {
      this.record(renamed.file, { path, root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
      return;
    }

    const progress = this.inFlight.get(path);
    let result: HashResult;
    try {
      result = await this.o.hasher.hash(path, (hashedBytes) => {
        if (progress) progress.hashedBytes = hashedBytes;
        this.publishProgress();
      });
    } catch (err) {
      if (err instanceof FileChangedWhileHashingError) {
        this.enqueue(path, st.size); // still being written: the next attempt sees the final bytes
      } else if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.counters.failedFiles++;
        this.o.logger.warn({ err, path }, 'could not hash a file');
      }
      return;
    }
    this.counters.hashedFiles++;
    this.counters.hashedBytes += result.size;
    if (this.closed || !this.rootOf(path) || this.o.store.isExcluded(path)) return;
    const { mime, category } = classifyFile(basename(path), result.detectedMime);
    const file: FileRow = {
      id: result.id, size: result.size, pieceSize: result.pieceSize, pieceHashes: result.pieceHashes,
      mime, category, userTags: [], sharedAt: Date.now(),
    };
    this.record(file, { path, root, size: result.size, mtimeMs: result.mtimeMs, ino: result.ino });
  }

  private record(file: FileRow, at: { path: string; root: string; size: number; mtimeMs: number; ino: number }): void {
    const location: LocationRow = {
      path: at.path, fileId: file.id, root: at.root, name: basename(at.path), size: at.size,
      mtimeMs: at.mtimeMs, inode: at.ino, addedAt: Date.now(),
    };
    const previous = this.o.store.batch(() => {
      const before = this.o.store.putLocation(file, location);
      // A content that was renamed keeps the tags its user gave it.
      if (file.userTags.length > 0 && this.o.store.getFile(file.id)?.userTags.length === 0) {
        this.o.store.setUserTags(file.id, file.userTags);
      }
      return before;
    });
    if (previous) this.publishGoneOrUpdated(previous);
    this.o.bus.publish('library_file_updated', this.get(file.id, true));
  }

  private forget(path: string, remember = true): void {
    this.pending.delete(path);
    const location = this.o.store.getLocation(path);
    if (!location) return;
    if (remember) {
      const file = this.o.store.getFile(location.fileId);
      if (file) this.rememberUnlinked(location, file);
    }
    const removed = this.o.store.removeLocation(path);
    if (removed) this.publishGoneOrUpdated(removed.fileId);
  }

  private forgetUnder(dir: string): void {
    for (const path of [...this.pending.keys()]) if (isInside(path, dir)) this.pending.delete(path);
    for (const location of this.o.store.allLocations()) if (isInside(location.path, dir)) this.forget(location.path);
  }

  private rememberUnlinked(location: LocationRow, file: FileRow): void {
    const now = Date.now();
    for (const [key, entry] of this.recentlyUnlinked) if (now - entry.at > RENAME_MEMORY_MS) this.recentlyUnlinked.delete(key);
    this.recentlyUnlinked.set(statKey(location.inode, location.size, location.mtimeMs), { file, at: now });
  }

  private publishGoneOrUpdated(fileId: string): void {
    if (this.o.store.getFile(fileId)) this.o.bus.publish('library_file_updated', this.get(fileId, true));
    else this.o.bus.publish('library_file_removed', { id: fileId });
  }
}

function matches(known: LocationRow, st: { size: number; mtimeMs: number; ino: number }): boolean {
  return known.size === st.size && known.mtimeMs === st.mtimeMs && known.inode === st.ino;
}

function statKey(ino: number, size: number, mtimeMs: number): string {
  return `${ino}:${size}:${mtimeMs}`;
}
