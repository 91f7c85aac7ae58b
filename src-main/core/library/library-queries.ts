// Reading the library as one viewer may see it: pages of contents, one content, its pieces, the
// entries announced to index servers, the counts. A content shared only with some devices does
// not exist for anyone else.
import { basename, dirname, join } from 'node:path';
import { realpath } from 'node:fs/promises';
import type { IndexedFile } from '../../../src-shared/api/index-routes.js';
import type { Pieces, SharedFile } from '../../../src-shared/api/library.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { ANONYMOUS, type Viewer } from '../access/viewer.js';
import type { FileQuery, LibraryCounts, LibraryStore, LocationRow } from '../store/library-store.js';
import type { LibraryRoots } from './library-roots.js';
import { toIndexedFile, toSharedFile } from './shared-file-view.js';


export class LibraryQueries {
  constructor(private readonly store: LibraryStore, private readonly roots: LibraryRoots) {}

  /** A page of the contents `viewer` may see; a peer sees only the names of locations it may see. */
  query(q: FileQuery, includePaths: boolean, viewer: Viewer): { items: SharedFile[]; total: number } {
    // With no folder restricted, a peer sees what the local user sees: no per-row visibility test.
    const { rows, total } = this.store.queryFiles({ ...q, visibleTo: viewer === 'local' || !this.roots.anyRestricted ? undefined : viewer.device });
    return { items: rows.map((f) => toSharedFile(f, this.locationsFor(f.id, viewer), includePaths)), total };
  }

  /** Whether this node shares the content at all (for the local user). */
  has(fileId: string): boolean {
    return this.store.getFile(fileId) !== undefined;
  }

  /** One content as `viewer` may see it; FILE_NOT_FOUND when it may not (a restricted file does not exist for others). */
  get(fileId: string, includePaths: boolean, viewer: Viewer): SharedFile {
    const file = this.store.getFile(fileId);
    const locations = file ? this.locationsFor(fileId, viewer) : [];
    if (!file || locations.length === 0) throw new ShoalError('FILE_NOT_FOUND');
    return toSharedFile(file, locations, includePaths);
  }

  /** Whether `viewer` may see (and fetch) this content: one of its locations is in a root shared with it. */
  isVisible(fileId: string, viewer: Viewer): boolean {
    return this.locationsFor(fileId, viewer).length > 0;
  }

  /** Whether a content has a location in a root shared with everyone (or, with nothing restricted, would have: no query then). */
  isPublic(fileId: string): boolean {
    return !this.roots.anyRestricted || this.isVisible(fileId, ANONYMOUS);
  }

  /** The public view of a library event's file: what a peer that proved no device may see of it, or undefined. */
  publicView(file: SharedFile): SharedFile | undefined {
    if (!this.roots.anyRestricted) {
      const { paths: _paths, ...rest } = file;
      return rest;
    }
    try {
      return this.get(file.id, false, ANONYMOUS);
    } catch {
      return undefined;
    }
  }

  /** The counts a peer that proved no device may see (/info, the public /stats). */
  publicCounts(): LibraryCounts {
    return this.roots.anyRestricted ? this.store.visibleCounts(null) : this.store.counts();
  }

  counts(): LibraryCounts {
    return this.store.counts();
  }

  pieces(fileId: string, viewer: Viewer): Pieces {
    const file = this.store.getFile(fileId);
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
    for (const file of this.store.allFiles()) {
      const locations = this.locationsFor(file.id, ANONYMOUS);
      if (locations.length > 0) entries.push(toIndexedFile(toSharedFile(file, locations, false)));
    }
    return entries;
  }

  /** A content's locations `viewer` may see, oldest first. */
  locationsFor(fileId: string, viewer: Viewer): LocationRow[] {
    return this.roots.visible(this.store.locationsOf(fileId), viewer);
  }

  /** A page of the paths the user unshared, the most recent first (unshared-files.ts looks at each on disk). */
  unsharedPage(offset: number, limit: number, search?: string): { rows: { path: string; unsharedAt: number }[]; total: number } {
    return this.store.excludedPage(offset, limit, search);
  }

  /** Whether the user unshared the file at `path` (its folder may be named through a link: compared by real path). */
  async isUnshared(path: string): Promise<boolean> {
    const folder = await realpath(dirname(path)).catch(() => undefined);
    return folder !== undefined && this.store.isExcluded(join(folder, basename(path)));
  }

  /** Whether a file at this exact path is in the library. */
  hasLocation(path: string): boolean {
    return this.store.getLocation(path) !== undefined;
  }
}
