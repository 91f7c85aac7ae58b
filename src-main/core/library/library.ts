// The library: what this node shares. Roots are the shared folder plus every path the user shared
// by hand; a folder watcher (one watch per folder, see folder-watcher.ts) follows them, a start-up
// rescan compares them with the database, and a pool of workers hashes whatever is new or changed.
// One content (file id) may live at several paths. Nothing is kept in memory per shared file:
// an idle library holds only its roots and folder watches.
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import type { Logger } from 'pino';
import type { IndexedFile } from '../../../src-shared/api/index-routes.js';
import type { HashingStatus, Pieces, SharedFile } from '../../../src-shared/api/library.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { EventBus } from '../events/event-bus.js';
import { throttle } from '../events/throttle.js';
import type { HashResult } from '../hashing/file-hasher.js';
import { FileChangedWhileHashingError } from '../hashing/hash-errors.js';
import { type FileQuery, type FileRow, type LibraryStore, type LocationRow } from '../store/library-store.js';
import { classifyFile } from './file-classifier.js';
import { walkFolder, type WalkedFile } from './folder-walker.js';
import { FolderWatcher } from './folder-watcher.js';
import { isIgnoredName } from './ignore-rules.js';
import type { NeverShared } from './never-shared.js';
import { isCleanAbsolutePath, isInside } from './path-rules.js';
import { toIndexedFile, toSharedFile } from './shared-file-view.js';
import type { RootAccessMode, SharedRoot } from '../../../src-shared/api/access.js';
import { ANONYMOUS, type Viewer } from '../access/viewer.js';

export interface Hasher {
  /** `size`: the size the walk or watcher saw, so the hasher can send small files in batches. */
  hash(path: string, onProgress?: (hashedBytes: number) => void, size?: number): Promise<HashResult>;
}

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

/** An open, verified file ready to be served. */
export interface ServableFile {
  handle: FileHandle;
  file: FileRow;
  name: string;
}

const RENAME_MEMORY_MS = 10_000;
/** Small files in flight per hash worker: two batches of the pool's (hash-batch.ts) and some. */
const MAX_IN_FLIGHT_FILES_PER_WORKER = 160;
const MAX_IN_FLIGHT_BYTES_PER_WORKER = 12 * 1024 * 1024;

/** What the library keys a location on: a rescan hashes again only when one of these changed. */
interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

interface Placement {
  path: string;
  root: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export class Library {
  private watcher: FolderWatcher | undefined;
  private readonly rootPaths = new Set<string>();
  /** Waiting for a hasher, with the stat that queued it when there was one (see hashOne). */
  private readonly pending = new Map<string, { size: number; seen: Stamp | undefined }>();
  private readonly inFlight = new Map<string, { size: number; hashedBytes: number }>();
  /** The sizes of the files in inFlight, summed. */
  private inFlightBytes = 0;
  /** Contents whose last location vanished a moment ago, by (inode, size, mtime): a rename, if it reappears. */
  private readonly recentlyUnlinked = new Map<string, { file: FileRow; at: number }>();
  /** Hashed files waiting to be written, in one transaction for all that arrived in one turn. */
  private unrecorded: { file: FileRow; at: Placement }[] = [];
  private counters = { hashedFiles: 0, failedFiles: 0, hashedBytes: 0 };
  private scanning = false;
  private closed = false;
  private readyPromise: Promise<void> = Promise.resolve();
  private readonly publishProgress;
  /** Roots shared only with some devices (root_access), by root: the node ids that may see them. */
  private restricted: Map<string, Set<string>>;
  private sharedFolder: string | undefined;
  /** Contents whose event is being published and must not reach strangers (publishChange). */
  private readonly hidden = new Set<string>();

  constructor(private readonly o: LibraryOptions) {
    this.publishProgress = throttle(() => this.o.bus.publish('hashing_progress', this.hashingStatus()), 250);
    this.restricted = new Map([...o.store.restrictedRoots()].map(([root, devices]) => [root, new Set(devices)]));
  }

  /**
   * Starts watching and rescanning; resolves at once. `whenReady()` resolves once the rescan is
   * done. The rescan does not wait for the watcher: it sets up each folder's watch as it walks it.
   */
  async start(): Promise<void> {
    await mkdir(this.o.sharedDirectory, { recursive: true });
    const shared = await realpath(this.o.sharedDirectory);
    this.sharedFolder = shared;
    for (const root of [shared, ...this.o.store.sharedPaths()]) {
      if (this.o.neverShared.covers(root)) {
        this.o.logger.warn({ shared: root }, 'not sharing a folder that holds Shoal\u2019s own data or system files');
        continue;
      }
      for (const excluded of this.o.neverShared.under(root)) {
        this.o.logger.warn({ shared: root, excluded }, 'the shared folder holds Shoal\u2019s own data or system files: they are left out');
      }
      this.rootPaths.add(root);
    }
    this.watcher = new FolderWatcher({
      settleMs: this.o.writeSettleMs ?? 500,
      onSettled: (path) => {
        this.onSettled(path).catch((err: unknown) => this.o.logger.warn({ err, path }, 'could not look at a changed path'));
      },
      onError: (err, dir) => this.o.logger.warn({ err, dir }, 'cannot watch a folder: changes in it are seen at the next start'),
    });
    this.scanning = true;
    this.readyPromise = this.rescan()
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
    while (this.pending.size > 0 || this.inFlight.size > 0 || this.unrecorded.length > 0) await new Promise((r) => setTimeout(r, 20));
  }

  close(): Promise<void> {
    this.flushRecords(); // what was hashed is kept, not hashed again at the next start
    this.closed = true;
    this.publishProgress.cancel();
    this.pending.clear();
    this.watcher?.close();
    return Promise.resolve();
  }

  // ---- queries ------------------------------------------------------------------------------

  /** A page of the contents `viewer` may see; a peer sees only the names of locations it may see. */
  query(q: FileQuery, includePaths: boolean, viewer: Viewer): { items: SharedFile[]; total: number } {
    // With no folder restricted, a peer sees what the local user sees: no per-row visibility test.
    const { rows, total } = this.o.store.queryFiles({ ...q, visibleTo: viewer === 'local' || this.restricted.size === 0 ? undefined : viewer.device });
    return { items: rows.map((f) => toSharedFile(f, this.locationsFor(f.id, viewer), includePaths)), total };
  }

  /** Whether this node shares the content at all (for the local user). */
  has(fileId: string): boolean {
    return this.o.store.getFile(fileId) !== undefined;
  }

  /** One content as `viewer` may see it; FILE_NOT_FOUND when it may not (a restricted file does not exist for others). */
  get(fileId: string, includePaths: boolean, viewer: Viewer): SharedFile {
    const file = this.o.store.getFile(fileId);
    const locations = file ? this.locationsFor(fileId, viewer) : [];
    if (!file || locations.length === 0) throw new ShoalError('FILE_NOT_FOUND');
    return toSharedFile(file, locations, includePaths);
  }

  /** Whether `viewer` may see (and fetch) this content: one of its locations is in a root shared with it. */
  isVisible(fileId: string, viewer: Viewer): boolean {
    return this.locationsFor(fileId, viewer).length > 0;
  }

  /** The public view of a library event's file: what a peer that proved no device may see of it, or undefined. */
  publicView(file: SharedFile): SharedFile | undefined {
    if (this.restricted.size === 0) {
      const { paths: _paths, ...rest } = file;
      return rest;
    }
    try {
      return this.get(file.id, false, ANONYMOUS);
    } catch {
      return undefined;
    }
  }

  /** True while an event about a content strangers must not learn of is being published (publishChange). */
  hiddenFromStrangers(fileId: string): boolean {
    return this.hidden.has(fileId);
  }

  /** Whether a path (a file being hashed, say) is in a root shared with everyone. */
  isPublicPath(path: string): boolean {
    const root = this.rootOf(path);
    return root === undefined || !this.restricted.has(root);
  }

  /** The counts a peer that proved no device may see (/info, the public /stats). */
  publicCounts(): { files: number; locations: number; bytes: number } {
    return this.restricted.size === 0 ? this.o.store.counts() : this.o.store.visibleCounts(null);
  }

  pieces(fileId: string, viewer: Viewer): Pieces {
    const file = this.o.store.getFile(fileId);
    if (!file || !this.isVisible(fileId, viewer)) throw new ShoalError('FILE_NOT_FOUND');
    const pieces: string[] = [];
    for (let i = 0; i < file.pieceHashes.length; i += 32) pieces.push(file.pieceHashes.subarray(i, i + 32).toString('hex'));
    return { id: file.id, size: file.size, pieceSize: file.pieceSize, pieces, ...(file.sha256 ? { sha256: file.sha256 } : {}) };
  }

  /**
   * Every content shared with everyone as the index servers want it, one entry per content, named
   * only by its public locations: a file shared only with some devices is never announced.
   */
  indexEntries(): IndexedFile[] {
    const entries: IndexedFile[] = [];
    for (const file of this.o.store.allFiles()) {
      const locations = this.locationsFor(file.id, ANONYMOUS);
      if (locations.length > 0) entries.push(toIndexedFile(toSharedFile(file, locations, false)));
    }
    return entries;
  }

  // ---- sharing permissions ------------------------------------------------------------------

  /** The shared folder and every path shared by hand, with who may see each. */
  async roots(): Promise<SharedRoot[]> {
    const list: SharedRoot[] = [];
    for (const root of [...this.rootPaths].sort()) {
      const st = await stat(root).catch(() => undefined);
      const devices = this.restricted.get(root);
      list.push({
        path: root, kind: st?.isFile() ? 'file' : 'folder', sharedFolder: root === this.sharedFolder,
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
    let root = this.rootPaths.has(path) ? path : undefined;
    if (!root && isCleanAbsolutePath(path)) {
      const real = await realpath(path).catch(() => undefined);
      if (real && this.rootPaths.has(real)) root = real;
    }
    if (!root) throw new ShoalError('ROOT_NOT_FOUND');
    const restrictTo = access === 'devices' ? [...new Set(devices)] : null;
    const fileIds = [...new Set(this.o.store.locationsUnder(root).map((l) => l.fileId))];
    const wasPublic = new Map(fileIds.map((id) => [id, this.isPublic(id)]));
    this.o.store.setRootAccess(root, restrictTo);
    if (restrictTo) this.restricted.set(root, new Set(restrictTo));
    else this.restricted.delete(root);
    for (const fileId of fileIds) this.publishChange(fileId, wasPublic.get(fileId) ?? false);
    const view = (await this.roots()).find((r) => r.path === root);
    if (!view) throw new ShoalError('ROOT_NOT_FOUND');
    return view;
  }

  /** A content's locations `viewer` may see, oldest first. */
  private locationsFor(fileId: string, viewer: Viewer): LocationRow[] {
    const all = this.o.store.locationsOf(fileId);
    if (viewer === 'local' || this.restricted.size === 0) return all;
    return all.filter((l) => {
      const devices = this.restricted.get(l.root);
      return !devices || (viewer.device !== null && devices.has(viewer.device));
    });
  }

  counts(): { files: number; locations: number; bytes: number } {
    return this.o.store.counts();
  }

  /** A page of the paths the user unshared, the most recent first (unshared-files.ts looks at each on disk). */
  unsharedPage(offset: number, limit: number): { rows: { path: string; unsharedAt: number }[]; total: number } {
    return this.o.store.excludedPage(offset, limit);
  }

  /** Whether the user unshared the file at `path` (its folder may be named through a link: compared by real path). */
  async isUnshared(path: string): Promise<boolean> {
    const folder = await realpath(dirname(path)).catch(() => undefined);
    return folder !== undefined && this.o.store.isExcluded(join(folder, basename(path)));
  }

  /** Whether a file at this exact path is in the library. */
  hasLocation(path: string): boolean {
    return this.o.store.getLocation(path) !== undefined;
  }

  hashingStatus(): HashingStatus {
    let queuedBytes = 0;
    for (const { size } of this.pending.values()) queuedBytes += size;
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
  async openForServing(fileId: string, viewer: Viewer): Promise<ServableFile> {
    const file = this.o.store.getFile(fileId);
    if (!file) throw new ShoalError('FILE_NOT_FOUND');
    let changed = false;
    for (const location of this.locationsFor(fileId, viewer)) {
      let handle: FileHandle | undefined;
      try {
        const real = await realpath(location.path);
        if (!isInside(real, await realpath(location.root)) || this.o.neverShared.covers(real)) continue;
        handle = await open(real, 'r');
        const st = await handle.stat();
        if (st.isFile() && st.size === location.size && st.mtimeMs === location.mtimeMs && st.ino === location.inode) {
          return { handle, file, name: location.name };
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

  /** Shares a file or folder by its absolute path; its files are hashed in the background. */
  async share(path: string): Promise<{ path: string; kind: 'file' | 'folder' }> {
    const { real, st } = await this.addRoot(path);
    if (st.isFile()) {
      this.enqueue(real, st);
    } else {
      const walked = await walkFolder(real, (dir) => this.watcher?.watch(dir), this.neverShared);
      this.enqueueLargestFirst(walked.filter((f) => !this.o.store.isExcluded(f.path)));
    }
    return { path: real, kind: st.isFile() ? 'file' : 'folder' };
  }

  /**
   * Shares a file whose content was just verified against `hashes` (a finished download) without
   * hashing it again: it is served the moment this returns. Its type comes from its name (no
   * magic bytes without a read). If the file changes later, the watcher hashes it as any other.
   */
  async shareVerified(path: string, hashes: { id: string; pieceSize: number; pieceHashes: Buffer }): Promise<void> {
    const { real, st } = await this.addRoot(path);
    if (!st.isFile()) throw new ShoalError('NOT_A_FILE');
    const root = this.rootOf(real) as string;
    const { mime, category } = classifyFile(basename(real), null);
    this.record(
      { id: hashes.id, size: st.size, pieceSize: hashes.pieceSize, pieceHashes: hashes.pieceHashes, mime, category, userTags: [], sharedAt: Date.now(), sha256: null },
      { path: real, root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino },
    );
    this.flushRecords();
  }

  /** Checks a path the user shares and makes it a root (or finds the root it is in), watched. */
  private async addRoot(path: string): Promise<{ real: string; st: Stats }> {
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

    this.o.store.unexcludeUnder(real, sep);
    if (!this.rootOf(real)) {
      this.o.store.addSharedPath(real);
      this.rootPaths.add(real);
    }
    // A file's own watch would end when it is replaced by a rename: its folder is watched.
    if (st.isFile()) this.watcher?.watch(dirname(real));
    return { real, st };
  }

  /**
   * Stops sharing a content: every location of it. Each path is remembered as unshared: one inside
   * a shared folder stays out of rescans, and Share lists them all to share again (unshared-files.ts).
   */
  unshare(fileId: string): { id: string; removedPaths: string[] } {
    const locations = this.o.store.locationsOf(fileId);
    if (locations.length === 0) throw new ShoalError('FILE_NOT_FOUND');
    const wasPublic = this.isPublic(fileId);
    this.o.store.batch(() => {
      for (const location of locations) {
        if (location.path === location.root) {
          this.o.store.removeSharedPath(location.root);
          this.rootPaths.delete(location.root);
          this.unwatchUnneeded(dirname(location.root));
        }
        this.o.store.exclude(location.path);
        this.o.store.removeLocation(location.path);
      }
    });
    this.publishChange(fileId, wasPublic);
    return { id: fileId, removedPaths: locations.map((l) => l.path) };
  }

  setUserTags(fileId: string, tags: string[]): SharedFile {
    if (!this.o.store.getFile(fileId)) throw new ShoalError('FILE_NOT_FOUND');
    this.o.store.setUserTags(fileId, [...new Set(tags)]);
    this.publishChange(fileId, this.isPublic(fileId));
    return this.get(fileId, true, 'local');
  }

  // ---- scanning and hashing -----------------------------------------------------------------

  /** What a walk leaves out: the walker prunes these folders instead of listing them. */
  private readonly neverShared = (path: string): boolean => this.o.neverShared.covers(path);

  private rootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const root of this.rootPaths) if (isInside(path, root) && (!best || root.length > best.length)) best = root;
    return best;
  }

  /** Whether a folder still needs its watch: it is in a root, or holds a file shared by path. */
  private needsWatch(dir: string): boolean {
    if (this.rootOf(dir)) return true;
    for (const root of this.rootPaths) if (dirname(root) === dir) return true;
    return false;
  }

  private unwatchUnneeded(dir: string): void {
    this.watcher?.unwatchUnder(dir, (watched) => this.needsWatch(watched));
  }

  /**
   * Compares every root on disk with the database: new or changed files are queued for hashing
   * (largest first), vanished ones forgotten. One query loads every location's stamp into a map,
   * instead of one lookup per file.
   */
  private async rescan(): Promise<void> {
    const known = this.o.store.locationStamps();
    const excluded = this.o.store.excludedPaths();
    const changed: WalkedFile[] = [];
    for (const root of [...this.rootPaths]) {
      const st = await lstat(root).catch(() => undefined);
      let walked: WalkedFile[] = [];
      if (st?.isFile()) {
        this.watcher?.watch(dirname(root));
        walked = [{ path: root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }];
      } else if (st?.isDirectory()) {
        walked = await walkFolder(root, (dir) => this.watcher?.watch(dir), this.neverShared);
      }
      for (const f of walked) {
        if (this.rootOf(f.path) !== root) continue; // belongs to a deeper root, walked on its own
        if (!known.take(f.path, f.size, f.mtimeMs, f.ino) && !excluded.has(f.path)) changed.push(f);
      }
    }
    const gone = known.untaken();
    if (gone.length > 0) this.o.store.batch(() => { for (const path of gone) this.forget(path, false); });
    this.enqueueLargestFirst(changed);
  }

  /**
   * Biggest files first: the pool then ends on small files that fill the gaps, instead of one
   * worker hashing a last large file while the others sit idle.
   */
  private enqueueLargestFirst(files: WalkedFile[]): void {
    files.sort((a, b) => b.size - a.size);
    for (const f of files) this.enqueue(f.path, f);
  }

  /** The watcher saw `path` change and settle: find out what it is now. */
  private async onSettled(path: string): Promise<void> {
    const root = this.rootOf(path);
    if (this.closed || !root || (path !== root && isIgnoredName(basename(path))) || this.o.neverShared.covers(path)) return;
    const st = await lstat(path).catch(() => undefined);
    if (this.closed) return;
    if (!st) {
      // Gone: a file, or a folder with everything in it.
      this.forget(path);
      this.forgetUnder(path);
      this.unwatchUnneeded(path);
    } else if (st.isFile()) {
      if (!this.o.store.isExcluded(path)) this.enqueue(path, st);
    } else if (st.isDirectory()) {
      // A folder that appeared (or was moved in): watch and walk it; unchanged files are skipped.
      const walked = await walkFolder(path, (dir) => this.watcher?.watch(dir), this.neverShared);
      this.enqueueLargestFirst(walked.filter((f) => {
        const known = this.o.store.getLocation(f.path);
        return !(known && matches(known, f)) && !this.o.store.isExcluded(f.path);
      }));
    } else if (this.o.store.getLocation(path)) {
      this.forget(path); // replaced by a symbolic link or something else that is never shared
    }
  }

  /**
   * Queues a file for hashing. `seen` is a stat taken just before (by the walk or the watcher):
   * hashOne trusts it instead of asking again, which cost ~0.2 ms of this thread per file. If the
   * file changed since, the worker hashes what is there and its own stat is what is stored.
   */
  private enqueue(path: string, seen: Stamp | undefined, size = seen?.size ?? 0): void {
    if (this.closed || this.o.neverShared.covers(path)) return;
    this.pending.set(path, { size, seen: seen && { size: seen.size, mtimeMs: seen.mtimeMs, ino: seen.ino } });
    this.pump();
  }

  /**
   * Whether another file may go to the hasher. At least three per worker: the one it hashes, the
   * next waiting in its port (see HashPool), and one being looked at or stored here, so a worker
   * never waits for this thread. Small files go further, up to a few MiB per worker: the pool
   * sends them in batches, and a batch needs enough files to fill.
   */
  private canSendMore(): boolean {
    const workers = this.o.hashConcurrency;
    if (this.inFlight.size < workers * 3) return true;
    if (this.inFlight.size >= workers * MAX_IN_FLIGHT_FILES_PER_WORKER) return false;
    return this.inFlightBytes < workers * MAX_IN_FLIGHT_BYTES_PER_WORKER;
  }

  private pump(): void {
    while (!this.closed && this.pending.size > 0 && this.canSendMore()) {
      const [path, { size, seen }] = this.pending.entries().next().value as [string, { size: number; seen: Stamp | undefined }];
      this.pending.delete(path);
      if (this.inFlight.has(path)) {
        // Already hashing: look again once that ends (the file changed meanwhile).
        setTimeout(() => this.enqueue(path, undefined, size), 200);
        continue;
      }
      this.inFlight.set(path, { size, hashedBytes: 0 });
      this.inFlightBytes += size;
      this.publishProgress();
      void this.hashOne(path, seen).finally(() => {
        this.inFlight.delete(path);
        this.inFlightBytes -= size;
        this.publishProgress();
        this.pump();
      });
    }
  }

  private async hashOne(path: string, seen: Stamp | undefined): Promise<void> {
    const st = seen ?? (await lstat(path).then((s) => (s.isFile() ? s : undefined), () => undefined));
    if (!st) {
      // Gone, or a symbolic link: symlinks are never followed out of a root (nor by the hasher).
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
      }, st.size);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof FileChangedWhileHashingError) {
        this.enqueue(path, undefined, st.size); // still being written: the next attempt sees the final bytes
      } else if (code === 'ENOENT' || code === 'NOT_A_FILE') {
        // Gone or replaced by a link since it was queued.
        if (this.o.store.getLocation(path)) this.forget(path);
      } else {
        this.counters.failedFiles++;
        this.o.logger.warn({ err, path }, 'could not hash a file');
      }
      return;
    }
    this.counters.hashedFiles++;
    this.counters.hashedBytes += result.size;
    if (this.closed || !this.rootOf(path) || this.o.store.isExcluded(path)) return;
    if (this.o.maxFileSize > 0 && result.size > this.o.maxFileSize) return; // grew past the limit since it was queued
    const { mime, category } = classifyFile(basename(path), result.detectedMime);
    const file: FileRow = {
      id: result.id, size: result.size, pieceSize: result.pieceSize, pieceHashes: result.pieceHashes,
      mime, category, userTags: [], sharedAt: Date.now(), sha256: null,
    };
    this.record(file, { path, root, size: result.size, mtimeMs: result.mtimeMs, ino: result.ino });
  }

  /** Queues a hashed file for the next write: one transaction per turn of the event loop, not per file. */
  private record(file: FileRow, at: Placement): void {
    this.unrecorded.push({ file, at });
    if (this.unrecorded.length === 1) setImmediate(() => this.flushRecords());
  }

  private flushRecords(): void {
    const batch = this.unrecorded;
    this.unrecorded = [];
    if (this.closed || batch.length === 0) return;
    const updated = new Set<string>();
    /** Contents a path held before this batch, and whether they were public then. */
    const previous = new Map<string, boolean>();
    this.o.store.batch(() => {
      for (const { file, at } of batch) {
        const location: LocationRow = {
          path: at.path, fileId: file.id, root: at.root, name: basename(at.path), size: at.size,
          mtimeMs: at.mtimeMs, inode: at.ino, addedAt: Date.now(),
        };
        const heldBefore = this.restricted.size > 0 ? this.o.store.getLocation(at.path)?.fileId : undefined;
        const wasPublic = heldBefore === undefined || heldBefore === file.id || this.isPublic(heldBefore);
        const before = this.o.store.putLocation(file, location);
        // A content that was renamed keeps the tags its user gave it.
        if (file.userTags.length > 0 && this.o.store.getFile(file.id)?.userTags.length === 0) {
          this.o.store.setUserTags(file.id, file.userTags);
        }
        if (before) previous.set(before, (previous.get(before) ?? false) || wasPublic);
        updated.add(file.id);
      }
    });
    for (const [id, wasPublic] of previous) if (!updated.has(id)) this.publishChange(id, wasPublic);
    // A location added never makes a content less visible: what is not public now was not before.
    for (const id of updated) this.publishChange(id, this.isPublic(id));
  }

  private forget(path: string, remember = true): void {
    this.pending.delete(path);
    const location = this.o.store.getLocation(path);
    if (!location) return;
    if (remember) {
      const file = this.o.store.getFile(location.fileId);
      if (file) this.rememberUnlinked(location, file);
    }
    const wasPublic = this.isPublic(location.fileId);
    const removed = this.o.store.removeLocation(path);
    if (removed) this.publishChange(removed.fileId, wasPublic);
  }

  private forgetUnder(dir: string): void {
    for (const path of [...this.pending.keys()]) if (isInside(path, dir)) this.pending.delete(path);
    const paths = this.o.store.locationPathsUnder(dir, sep);
    if (paths.length > 0) this.o.store.batch(() => { for (const path of paths) this.forget(path); });
  }

  private rememberUnlinked(location: LocationRow, file: FileRow): void {
    const now = Date.now();
    for (const [key, entry] of this.recentlyUnlinked) if (now - entry.at > RENAME_MEMORY_MS) this.recentlyUnlinked.delete(key);
    this.recentlyUnlinked.set(statKey(location.inode, location.size, location.mtimeMs), { file, at: now });
  }

  /**
   * Tells the bus a content changed or left. Strangers (public-view.ts) hear of a content shared
   * only with some devices never: not its update, not its id when it leaves (`hiddenFromStrangers`),
   * unless it was public before, when they hear it leave.
   */
  private publishChange(fileId: string, wasPublic: boolean): void {
    const exists = this.o.store.getFile(fileId) !== undefined;
    const hidden = !wasPublic && !(exists && this.isPublic(fileId));
    if (hidden) this.hidden.add(fileId);
    try {
      if (exists) this.o.bus.publish('library_file_updated', this.get(fileId, true, 'local'));
      else this.o.bus.publish('library_file_removed', { id: fileId });
    } finally {
      this.hidden.delete(fileId);
    }
  }

  /** Whether a content has a location in a root shared with everyone (or, with nothing restricted, would have: no query then). */
  private isPublic(fileId: string): boolean {
    return this.restricted.size === 0 || this.isVisible(fileId, ANONYMOUS);
  }
}

function matches(known: LocationRow, st: { size: number; mtimeMs: number; ino: number }): boolean {
  return known.size === st.size && known.mtimeMs === st.mtimeMs && known.inode === st.ino;
}

function statKey(ino: number, size: number, mtimeMs: number): string {
  return `${ino}:${size}:${mtimeMs}`;
}
