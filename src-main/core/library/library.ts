// The library: what this node shares. Roots are the shared folder plus every path the user shared
// by hand; a folder watcher (one watch per folder, see folder-watcher.ts) follows them, a start-up
// rescan (library-rescan.ts) compares them with the database, and a pool of workers hashes
// whatever is new or changed (hash-scheduler.ts, file-indexer.ts, location-recorder.ts). One
// content (file id) may live at several paths. Nothing is kept in memory per shared file: an idle
// library holds only its roots and folder watches. This class composes those parts and holds the
// commands (share, unshare, tags, access); reads are library-queries.ts.
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, sep } from 'node:path';
import type { Logger } from 'pino';
import type { RootAccessMode, SharedRoot } from '../../../src-shared/api/access.js';
import type { IndexedFile } from '../../../src-shared/api/index-routes.js';
import type { HashingStatus, Pieces, SharedFile } from '../../../src-shared/api/library.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { Viewer } from '../access/viewer.js';
import type { EventBus } from '../events/event-bus.js';
import { throttle, type Throttled } from '../events/throttle.js';
import type { FileQuery, FileRow, LibraryStore } from '../store/library-store.js';
import { ChangePublisher } from './change-publisher.js';
import { classifyFile } from './file-classifier.js';
import { FileIndexer, type Hasher } from './file-indexer.js';
import { walkFolder, type WalkedFile } from './folder-walker.js';
import { FolderWatcher } from './folder-watcher.js';
import { HashScheduler } from './hash-scheduler.js';
import { isIgnoredName } from './ignore-rules.js';
import { KeptHandles } from './kept-handles.js';
import { LibraryQueries } from './library-queries.js';
import { findChanges } from './library-rescan.js';
import { LibraryRoots } from './library-roots.js';
import type { Stamp } from './library-stamp.js';
import { LocationRecorder } from './location-recorder.js';
import type { NeverShared } from './never-shared.js';
import { isCleanAbsolutePath, isInside } from './path-rules.js';
import { RenameMemory } from './rename-memory.js';
import { unchangedSinceUnshare, type UnsharedStamps } from './resume-unshared.js';

/** How long a file must go without a write before it is hashed, by default. */
const WRITE_SETTLE_MS = 500;

export interface LibraryOptions {
  store: LibraryStore;
  hasher: Hasher;
  /** How many files are hashed at once (the pool's size). */
  hashConcurrency: number;
  bus: EventBus;
  logger: Logger;
  sharedDirectory: string;
  /** The node's own state and the system's secrets: never shared, whatever the config says. */
  neverShared: NeverShared;
  /** Bytes; 0 = no limit. */
  maxFileSize: number;
  /** How long a file must go without a write before it is hashed. */
  writeSettleMs?: number;
}

/** An open, verified file ready to be served; `release` once done with its handle (never close it: it may be kept for the next answer). */
export interface ServableFile {
  handle: FileHandle;
  release(): Promise<void>;
  file: FileRow;
  name: string;
}

export class Library {
  private watcher: FolderWatcher | undefined;
  private readonly libraryRoots: LibraryRoots;
  private readonly queries: LibraryQueries;
  private readonly publisher: ChangePublisher;
  private readonly recorder: LocationRecorder;
  private readonly renames = new RenameMemory();
  /** Handles of files just served, kept open a moment for the next range (kept-handles.ts). */
  private readonly handles = new KeptHandles();
  private readonly indexer: FileIndexer;
  private readonly scheduler: HashScheduler;
  private scanning = false;
  private closed = false;
  private readyPromise: Promise<void> = Promise.resolve();
  private readonly publishProgress: Throttled;

  constructor(private readonly o: LibraryOptions) {
    const { store } = o;
    this.publishProgress = throttle(() => this.o.bus.publish('hashing_progress', this.hashingStatus()), 250);
    this.libraryRoots = new LibraryRoots(store.restrictedRoots());
    this.queries = new LibraryQueries(store, this.libraryRoots);
    this.publisher = new ChangePublisher(store, this.libraryRoots, o.bus);
    this.recorder = new LocationRecorder({ store, roots: this.libraryRoots, queries: this.queries, publisher: this.publisher });
    this.indexer = new FileIndexer({
      store, hasher: o.hasher, roots: this.libraryRoots, renames: this.renames, recorder: this.recorder, logger: o.logger,
      maxFileSize: o.maxFileSize, forget: (path) => this.forget(path), requeue: (path, size) => this.enqueue(path, undefined, size),
      closed: () => this.closed,
    });
    this.scheduler = new HashScheduler({
      workers: o.hashConcurrency,
      settleMs: o.writeSettleMs ?? WRITE_SETTLE_MS,
      run: (path, seen, onProgress) => this.indexer.index(path, seen, onProgress).catch((err: unknown) => {
        if (!this.closed) this.o.logger.warn({ err, path }, 'could not index a file');
      }),
      onChange: () => this.progressChanged(),
    });
  }

  /**
   * Starts watching and rescanning; resolves at once. `whenReady()` resolves once the rescan is
   * done. The rescan does not wait for the watcher: it sets up each folder's watch as it walks it.
   */
  async start(): Promise<void> {
    await mkdir(this.o.sharedDirectory, { recursive: true });
    const shared = await realpath(this.o.sharedDirectory);
    this.libraryRoots.sharedFolder = shared;
    for (const root of [shared, ...this.o.store.sharedPaths()]) {
      if (this.o.neverShared.covers(root)) {
        this.o.logger.warn({ shared: root }, 'not sharing a folder that holds Shoal\u2019s own data or system files');
        continue;
      }
      for (const excluded of this.o.neverShared.under(root)) {
        this.o.logger.warn({ shared: root, excluded }, 'the shared folder holds Shoal\u2019s own data or system files: they are left out');
      }
      this.libraryRoots.add(root);
    }
    this.watcher = new FolderWatcher({
      settleMs: this.o.writeSettleMs ?? WRITE_SETTLE_MS,
      onSettled: (path) => {
        this.onSettled(path).catch((err: unknown) => {
          if (!this.closed) this.o.logger.warn({ err, path }, 'could not look at a changed path');
        });
      },
      onError: (err, dir) => this.o.logger.warn({ err, dir }, 'cannot watch a folder: changes in it are seen at the next start'),
    });
    this.scanning = true;
    this.readyPromise = this.rescan()
      .catch((err: unknown) => {
        if (!this.closed) this.o.logger.error({ err }, 'library rescan failed');
      })
      .finally(() => {
        this.scanning = false;
        this.progressChanged();
      });
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Resolves when the rescan is done and nothing is waiting to be hashed or written (or the library closed). */
  async whenIdle(): Promise<void> {
    await this.readyPromise;
    while (!this.closed && !(this.scheduler.idle && this.recorder.empty)) {
      await (this.scheduler.idle ? this.recorder.whenFlushed() : this.scheduler.whenIdle());
    }
  }

  /**
   * Stops the walk, cancels what waits to be hashed (what the pool holds is dropped when it comes
   * back, or when the pool closes, without a word), and stops every watch and timer. What was
   * hashed already is written: it is not hashed again at the next start.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.recorder.close();
    this.closed = true;
    this.publishProgress.cancel();
    this.scheduler.close();
    this.watcher?.close();
    await this.handles.close();
    await this.readyPromise; // the walk ends at its next slice
  }

  // ---- queries (library-queries.ts) ---------------------------------------------------------

  query(q: FileQuery, includePaths: boolean, viewer: Viewer): { items: SharedFile[]; total: number } {
    return this.queries.query(q, includePaths, viewer);
  }

  has(fileId: string): boolean {
    return this.queries.has(fileId);
  }

  get(fileId: string, includePaths: boolean, viewer: Viewer): SharedFile {
    return this.queries.get(fileId, includePaths, viewer);
  }

  publicView(file: SharedFile): SharedFile | undefined {
    return this.queries.publicView(file);
  }

  /** True while an event about a content strangers must not learn of is being published (change-publisher.ts). */
  hiddenFromStrangers(fileId: string): boolean {
    return this.publisher.hiddenFromStrangers(fileId);
  }

  /** Whether a path (a file being hashed, say) is in a root shared with everyone. */
  isPublicPath(path: string): boolean {
    return this.libraryRoots.isPublicPath(path);
  }

  publicCounts(): { files: number; locations: number; bytes: number } {
    return this.queries.publicCounts();
  }

  pieces(fileId: string, viewer: Viewer): Pieces {
    return this.queries.pieces(fileId, viewer);
  }

  indexEntries(): IndexedFile[] {
    return this.queries.indexEntries();
  }

  counts(): { files: number; locations: number; bytes: number } {
    return this.queries.counts();
  }

  unsharedPage(offset: number, limit: number, search?: string): { rows: { path: string; unsharedAt: number }[]; total: number } {
    return this.queries.unsharedPage(offset, limit, search);
  }

  isUnshared(path: string): Promise<boolean> {
    return this.queries.isUnshared(path);
  }

  hasLocation(path: string): boolean {
    return this.queries.hasLocation(path);
  }

  hashingStatus(): HashingStatus {
    const { queuedFiles, activeFiles, queuedBytes, current } = this.scheduler.status();
    return { queuedFiles, activeFiles, ...this.indexer.counters, queuedBytes, current, scanning: this.scanning };
  }

  // ---- sharing permissions ------------------------------------------------------------------

  /** The shared folder and every path shared by hand, with who may see each. */
  async roots(): Promise<SharedRoot[]> {
    const list: SharedRoot[] = [];
    for (const root of this.libraryRoots.all().sort()) {
      const st = await stat(root).catch(() => undefined);
      const devices = this.libraryRoots.devicesOf(root);
      list.push({
        path: root, kind: st?.isFile() ? 'file' : 'folder', sharedFolder: root === this.libraryRoots.sharedFolder,
        access: devices ? 'devices' : 'everyone', devices: devices ? [...devices] : [], fileCount: this.o.store.locationsUnder(root).length,
      });
    }
    return list;
  }

  /**
   * Shares a root with everyone, or only with these devices, live: its files leave (or rejoin)
   * every public channel at once, and the index client is told through library_file_updated.
   */
  async setRootAccess(path: string, access: RootAccessMode, devices: readonly string[]): Promise<SharedRoot> {
    let root = this.libraryRoots.has(path) ? path : undefined;
    if (!root && isCleanAbsolutePath(path)) {
      const real = await realpath(path).catch(() => undefined);
      if (real && this.libraryRoots.has(real)) root = real;
    }
    if (!root) throw new ShoalError('ROOT_NOT_FOUND');
    const restrictTo = access === 'devices' ? [...new Set(devices)] : null;
    const fileIds = [...new Set(this.o.store.locationsUnder(root).map((l) => l.fileId))];
    const wasPublic = new Map(fileIds.map((id) => [id, this.queries.isPublic(id)]));
    this.o.store.setRootAccess(root, restrictTo);
    this.libraryRoots.setAccess(root, restrictTo);
    for (const fileId of fileIds) this.publisher.publish(fileId, wasPublic.get(fileId) ?? false);
    const view = (await this.roots()).find((r) => r.path === root);
    if (!view) throw new ShoalError('ROOT_NOT_FOUND');
    return view;
  }

  /**
   * Opens a content for serving: a location whose bytes are still the ones hashed (size, mtime and
   * inode of the open handle match) and whose real path is still inside its root. A handle kept
   * from a recent answer for the same location is lent instead once its stamp matched again.
   */
  async openForServing(fileId: string, viewer: Viewer): Promise<ServableFile> {
    const file = this.o.store.getFile(fileId);
    if (!file) throw new ShoalError('FILE_NOT_FOUND');
    let changed = false;
    for (const location of this.queries.locationsFor(fileId, viewer)) {
      const kept = await this.handles.lend(location.path, location);
      if (kept) return { ...kept, file, name: location.name };
      let handle: FileHandle | undefined;
      try {
        const real = await realpath(location.path);
        if (!isInside(real, await realpath(location.root)) || this.o.neverShared.covers(real)) continue;
        handle = await open(real, 'r');
        const st = await handle.stat();
        if (st.isFile() && st.size === location.size && st.mtimeMs === location.mtimeMs && st.ino === location.inode) {
          return { ...this.handles.keep(location.path, handle), file, name: location.name };
        }
        changed = true;
        this.enqueue(location.path, st);
      } catch {
        // Gone or unreadable: try the next location; the watcher will forget this one.
      }
      await handle?.close();
    }
    throw new ShoalError(changed ? 'FILE_CHANGED' : 'FILE_NOT_FOUND');
  }

  // ---- commands -----------------------------------------------------------------------------

  /**
   * Shares a file or folder by its absolute path; its files are hashed in the background, except
   * those the user unshared and that are unchanged since: they are shared at once, under the id
   * they had (resume-unshared.ts).
   */
  async share(path: string): Promise<{ path: string; kind: 'file' | 'folder' }> {
    const { real, st, unshared } = await this.addRoot(path);
    try {
      if (st.isFile()) {
        if (!this.shareUnchanged(real, st, unshared)) this.enqueue(real, st);
      } else {
        const walked = await walkFolder(real, (dir) => this.watcher?.watch(dir), this.neverShared, () => this.closed);
        this.enqueueLargestFirst(walked.filter((f) => !this.o.store.isExcluded(f.path) && !this.shareUnchanged(f.path, f, unshared)));
      }
      this.recorder.flush(); // what was shared unchanged is served the moment this returns
    } finally {
      // What the unshare kept for these paths is used now or never (they are no longer unshared).
      if (unshared.size > 0) this.o.store.dropUnusedUnsharedContents();
    }
    return { path: real, kind: st.isFile() ? 'file' : 'folder' };
  }

  /** Queues a path unchanged since it was unshared to be recorded with the content it held then; false: hash it. */
  private shareUnchanged(path: string, st: Stamp, unshared: UnsharedStamps): boolean {
    const root = this.libraryRoots.rootOf(path);
    if (!root || (this.o.maxFileSize > 0 && st.size > this.o.maxFileSize)) return false;
    const file = unchangedSinceUnshare(this.o.store, unshared, path, st);
    if (!file) return false;
    this.recorder.record(file, { path, root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
    return true;
  }

  /**
   * Shares a file whose content was just verified against `hashes` (a finished download) without
   * hashing it again: it is served the moment this returns. Its type comes from its name (no
   * magic bytes without a read). If the file changes later, the watcher hashes it as any other.
   */
  async shareVerified(path: string, hashes: { id: string; pieceSize: number; pieceHashes: Buffer }): Promise<void> {
    const { real, st, unshared } = await this.addRoot(path);
    if (unshared.size > 0) this.o.store.dropUnusedUnsharedContents();
    if (!st.isFile()) throw new ShoalError('NOT_A_FILE');
    const root = this.libraryRoots.rootOf(real) as string;
    const { mime, category } = classifyFile(basename(real), null);
    this.recorder.record(
      { id: hashes.id, size: st.size, pieceSize: hashes.pieceSize, pieceHashes: hashes.pieceHashes, mime, category, userTags: [], sharedAt: Date.now(), sha256: null },
      { path: real, root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino },
    );
    this.recorder.flush();
  }

  /**
   * Checks a path the user shares and makes it a root (or finds the root it is in), watched.
   * `unshared`: the stamps of the paths at or under it that were unshared until now.
   */
  private async addRoot(path: string): Promise<{ real: string; st: Stats; unshared: UnsharedStamps }> {
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
    if (this.o.neverShared.covers(real) || this.o.neverShared.under(real).length > 0) throw new ShoalError('PATH_NOT_SHAREABLE');
    if (st.isFile() && this.o.maxFileSize > 0 && st.size > this.o.maxFileSize) throw new ShoalError('FILE_TOO_LARGE');

    const unshared = new Map(this.o.store.unexcludeUnder(real, sep).map((stamp) => [stamp.path, stamp]));
    if (!this.libraryRoots.rootOf(real)) {
      this.o.store.addSharedPath(real);
      this.libraryRoots.add(real);
    }
    // A file's own watch would end when it is replaced by a rename: its folder is watched.
    if (st.isFile()) this.watcher?.watch(dirname(real));
    return { real, st, unshared };
  }

  /**
   * Stops sharing a content: every location of it. Each path is remembered as unshared: one inside
   * a shared folder stays out of rescans, and Share lists them all to share again (unshared-files.ts).
   * Each keeps the content and the stamp it was hashed with: shared again unchanged, it needs no hash.
   */
  unshare(fileId: string): { id: string; removedPaths: string[] } {
    const locations = this.o.store.locationsOf(fileId);
    if (locations.length === 0) throw new ShoalError('FILE_NOT_FOUND');
    const wasPublic = this.queries.isPublic(fileId);
    this.o.store.batch(() => {
      for (const location of locations) {
        if (location.path === location.root) {
          this.o.store.removeSharedPath(location.root);
          this.libraryRoots.delete(location.root);
          this.unwatchUnneeded(dirname(location.root));
        }
        this.o.store.exclude(location);
        this.o.store.removeLocation(location.path);
      }
    });
    this.publisher.publish(fileId, wasPublic);
    return { id: fileId, removedPaths: locations.map((l) => l.path) };
  }

  setUserTags(fileId: string, tags: string[]): SharedFile {
    if (!this.o.store.getFile(fileId)) throw new ShoalError('FILE_NOT_FOUND');
    this.o.store.setUserTags(fileId, [...new Set(tags)]);
    this.publisher.publish(fileId, this.queries.isPublic(fileId));
    return this.get(fileId, true, 'local');
  }

  // ---- scanning and watching ----------------------------------------------------------------

  /** What a walk leaves out: the walker prunes these folders instead of listing them. */
  private readonly neverShared = (path: string): boolean => this.o.neverShared.covers(path);

  private unwatchUnneeded(dir: string): void {
    this.watcher?.unwatchUnder(dir, (watched) => this.libraryRoots.needsWatch(watched));
  }

  /** New or changed files are queued for hashing (largest first), vanished ones forgotten. */
  private async rescan(): Promise<void> {
    const found = await findChanges({
      store: this.o.store, roots: this.libraryRoots, watch: (dir) => this.watcher?.watch(dir), skip: this.neverShared, stopped: () => this.closed,
    });
    if (!found || this.closed) return;
    if (found.gone.length > 0) this.o.store.batch(() => { for (const path of found.gone) this.forget(path, false); });
    this.enqueueLargestFirst(found.changed);
  }

  /** The watcher saw `path` change and settle: find out what it is now. */
  private async onSettled(path: string): Promise<void> {
    const root = this.libraryRoots.rootOf(path);
    if (this.closed || !root || (path !== root && isIgnoredName(basename(path))) || this.o.neverShared.covers(path)) return;
    const st = await lstat(path).catch(() => undefined);
    if (this.closed) return;
    if (!st) {
      // Gone: a file, or a folder with everything in it.
      this.forget(path);
      this.forgetUnder(path);
      this.unwatchUnneeded(path);
    } else if (st.isFile()) {
      if (!this.o.store.isExcluded(path) && this.needsHash(path, st)) this.enqueue(path, st);
    } else if (st.isDirectory()) {
      // A folder that appeared (or was moved in): watch and walk it; unchanged files are skipped.
      const walked = await walkFolder(path, (dir) => this.watcher?.watch(dir), this.neverShared, () => this.closed);
      if (this.closed) return;
      this.enqueueLargestFirst(walked.filter((f) => !this.o.store.isExcluded(f.path) && this.needsHash(f.path, f)));
    } else if (this.o.store.getLocation(path)) {
      this.forget(path); // replaced by a symbolic link or something else that is never shared
    }
  }

  /**
   * Whether a file the watcher found needs hashing: not when its location is unchanged, nor when
   * it was moved here (recorded at once, file-indexer.ts). A move is recognised now, not when the
   * hash queue reaches the file: the rename memory is short, and the queue may be long.
   */
  private needsHash(path: string, st: Stamp): boolean {
    return !this.indexer.settledWithoutHash(path, st);
  }

  /** Queues a file for hashing (hash-scheduler.ts); `seen` is a stat taken just before, if any. */
  private enqueue(path: string, seen: Stamp | undefined, size?: number): void {
    if (this.closed || this.o.neverShared.covers(path)) return;
    this.scheduler.enqueue(path, seen, size);
  }

  /**
   * Biggest files first: the pool then ends on small files that fill the gaps, instead of one
   * worker hashing a last large file while the others sit idle.
   */
  private enqueueLargestFirst(files: WalkedFile[]): void {
    files.sort((a, b) => b.size - a.size);
    for (const f of files) this.enqueue(f.path, f);
  }

  private progressChanged(): void {
    if (!this.closed) this.publishProgress();
  }

  private forget(path: string, remember = true): void {
    this.scheduler.drop(path);
    const location = this.o.store.getLocation(path);
    if (!location) return;
    if (remember) {
      const file = this.o.store.getFile(location.fileId);
      if (file) this.renames.remember({ ino: location.inode, size: location.size, mtimeMs: location.mtimeMs }, file);
    }
    const wasPublic = this.queries.isPublic(location.fileId);
    const removed = this.o.store.removeLocation(path);
    if (removed) this.publisher.publish(removed.fileId, wasPublic);
  }

  private forgetUnder(dir: string): void {
    this.scheduler.dropWhere((path) => isInside(path, dir));
    const paths = this.o.store.locationPathsUnder(dir, sep);
    if (paths.length > 0) this.o.store.batch(() => { for (const path of paths) this.forget(path); });
  }
}
