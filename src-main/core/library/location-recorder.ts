// Writes hashed files to the store: every file hashed in one turn of the event loop in one
// transaction (one fsync, not one per file), then one event per content; during a burst, at most
// one transaction every BURST_WRITE_MS (below). This runs on the main
// thread, which shares two cores with the hash workers, so its per-file work is kept small: a
// content written new is published from the rows just written, not read back.
import { basename } from 'node:path';
import type { FileRow, LibraryStore, LocationRow } from '../store/library-store.js';
import type { ChangePublisher } from './change-publisher.js';
import type { LibraryQueries } from './library-queries.js';
import type { LibraryRoots } from './library-roots.js';

/** Where a hashed file is, and the stamp it was hashed with. */
export interface Placement {
  path: string;
  root: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** One content written in a batch: its locations written there, and whether its row is exactly `file`. */
interface Written {
  file: FileRow;
  locations: LocationRow[];
  exact: boolean;
}

/**
 * A write that follows another by less than this waits until this long after it, taking what was
 * hashed meanwhile: a commit costs the main thread ~0.5 ms whatever it holds, and while the pool
 * returns a batch every few milliseconds, one a turn was ~66 commits for the bench's data set
 * (1,259 files). A change alone is written at once; nothing waits longer when someone waits for it.
 */
const BURST_WRITE_MS = 100;

export class LocationRecorder {
  private unrecorded: { file: FileRow; at: Placement }[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private delayed: NodeJS.Timeout | undefined;
  private lastWrite = -Infinity;
  private flushWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: { store: LibraryStore; roots: LibraryRoots; queries: LibraryQueries; publisher: ChangePublisher }) {}

  /** Nothing waits to be written. */
  get empty(): boolean {
    return this.unrecorded.length === 0;
  }

  /** Resolves once what waits now is written (at once when nothing waits). */
  whenFlushed(): Promise<void> {
    if (this.empty) return Promise.resolve();
    if (this.delayed) this.writeSoon(0); // someone waits for it: at the end of this turn
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Queues a hashed file for the next write: one transaction for all that waits, not one per file. */
  record(file: FileRow, at: Placement): void {
    if (this.closed) return;
    this.unrecorded.push({ file, at });
    if (!this.scheduled && !this.delayed) this.writeSoon(this.flushWaiters.length > 0 ? 0 : this.lastWrite + BURST_WRITE_MS - performance.now());
  }

  /** Writes at the end of this turn, or in `waitMs`. */
  private writeSoon(waitMs: number): void {
    clearTimeout(this.delayed);
    this.delayed = undefined;
    if (waitMs > 0) this.delayed = setTimeout(() => this.flush(), waitMs);
    else this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes what waits now. */
  flush(): void {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    clearTimeout(this.delayed);
    this.delayed = undefined;
    const batch = this.unrecorded;
    this.unrecorded = [];
    try {
      if (batch.length > 0) {
        this.lastWrite = performance.now();
        this.write(batch);
      }
    } finally {
      const waiters = this.flushWaiters;
      this.flushWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Writes what was hashed (it is kept, not hashed again at the next start), then takes nothing more. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private write(batch: { file: FileRow; at: Placement }[]): void {
    const { store, roots, queries, publisher } = this.o;
    const restricted = roots.anyRestricted;
    /** Contents a path held before this batch, and whether they were public then. */
    const previous = new Map<string, boolean>();
    const written = new Map<string, Written>();
    store.batch(() => {
      for (const { file, at } of batch) {
        const location: LocationRow = {
          path: at.path, fileId: file.id, root: at.root, name: basename(at.path), size: at.size,
          mtimeMs: at.mtimeMs, inode: at.ino, addedAt: Date.now(),
        };
        const heldBefore = restricted ? store.getLocation(at.path)?.fileId : undefined;
        const wasPublic = heldBefore === undefined || heldBefore === file.id || queries.isPublic(heldBefore);
        const result = store.recordLocation(file, location);
        // A content that was renamed, or shared again unchanged (resume-unshared.ts), keeps the
        // tags its user gave it, and its SHA-256 (not read again in the background).
        let amended = false; // the row differs from what recordLocation wrote: read back
        if (file.userTags.length > 0 && store.getFile(file.id)?.userTags.length === 0) {
          store.setUserTags(file.id, file.userTags);
          amended = true;
        }
        if (file.sha256 !== null && result.inserted) {
          store.setSha256(file.id, file.sha256);
          amended = true;
        }
        if (result.before) previous.set(result.before, (previous.get(result.before) ?? false) || wasPublic);
        const entry = written.get(file.id);
        if (entry) {
          entry.exact = false; // several locations in one batch: read back, in the store's order
        } else {
          written.set(file.id, { file, locations: [location], exact: result.inserted && !result.tagsInherited && !amended });
        }
      }
    });
    for (const [id, wasPublic] of previous) {
      const entry = written.get(id);
      if (entry) entry.exact = false; // it lost a path later in the batch
      else publisher.publish(id, wasPublic);
    }
    // A location added never makes a content less visible: what is not public now was not before.
    for (const [id, { file, locations, exact }] of written) {
      // A row inserted now has no tags and no SHA-256 (the store writes neither), and its only
      // locations are the ones written here (a location needs its content's row).
      if (exact) publisher.publishUpdate({ ...file, userTags: [], sha256: null }, locations);
      else publisher.publish(id, queries.isPublic(id));
    }
  }
}
