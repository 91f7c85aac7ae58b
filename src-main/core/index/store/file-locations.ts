// Which peer holds which file (index_locations), and the file rows (index_files, index_fts) that
// exist exactly while some peer holds the file. Registration writes land here: they are the
// index's main cost under load, so the common case (one more source agreeing with the file's row)
// is one insert, its counter bumped with the others' in one statement at the end of the write;
// anything else asks file-claims.ts to decide again. A registration reads the peer's locations
// once, with their claims, so a file it lists as before costs no statement at all (every peer
// registers again after an index restart, most with an unchanged library). Every method runs
// inside the caller's write (DenormalisedCounts.write).
import type { Category } from '../../../../src-shared/api/common.js';
import type { IndexedFile } from '../../../../src-shared/api/index-routes.js';
import { extensionOf } from '../name-tokens.js';
import type { DenormalisedCounts } from './denormalised-counts.js';
import type { FileClaims } from './file-claims.js';
import { cleanTags, MAX_FOLDERS_PER_FILE, MAX_NAMES_PER_FILE, MAX_TAGS_PER_FILE } from './file-text.js';
import { fileKey, ftsRow } from './fts-tokens.js';
import {
  availabilityRow, fidRow, locationRow, oneRow, peerLocationRow, SUMMARY_COLUMNS, summaryRow, type PeerLocation, type PeerRef,
} from './index-rows.js';
import type { TypedSql } from './typed-sql.js';

interface NewFile {
  id: string; key: number; size: number; mime: string; category: Category; pieceSize: number; ext: string; now: number;
  online: number; names: string; tags: string; folders: string;
}
type LocationValues = [string, string, string, number, string, Category];
type Location = Pick<PeerLocation, 'name' | 'tags' | 'folder' | 'size' | 'mime' | 'category'>;

/** Whether a stored location claims what `file` says now (`tagsJson`: its cleaned tags). */
function sameClaims(l: Location, file: IndexedFile, tagsJson: string): boolean {
  return l.name === file.name && l.tags === tagsJson && l.folder === (file.folder ?? '')
    && l.size === file.size && l.mime === file.mime && l.category === file.category;
}

export class FileLocations {
  private readonly s;
  /** Files that gained an online source in this write, bumped together (flushBumps) before anything reads their counts. */
  private pendingBumps: number[] = [];

  constructor(sql: TypedSql, private readonly counts: DenormalisedCounts, private readonly claims: FileClaims) {
    this.s = {
      fileByFileId: sql.select<[number, string], typeof summaryRow>(summaryRow, `SELECT ${SUMMARY_COLUMNS} FROM index_files WHERE file_key = ? AND file_id = ?`),
      fidOf: sql.select<[number, string], typeof fidRow>(fidRow, 'SELECT fid FROM index_files WHERE file_key = ? AND file_id = ?'),
      summary: sql.select<[number], typeof summaryRow>(summaryRow, `SELECT ${SUMMARY_COLUMNS} FROM index_files WHERE fid = ?`),
      insertFile: sql.write<NewFile>(`INSERT INTO index_files (file_id, file_key, size, mime, category, piece_size, ext, first_seen, online_sources, names, tags, folders)
        VALUES (@id, @key, @size, @mime, @category, @pieceSize, @ext, @now, @online, @names, @tags, @folders)`),
      deleteFile: sql.select<[number], typeof availabilityRow>(availabilityRow, 'DELETE FROM index_files WHERE fid = ? RETURNING online_sources, size'),
      ftsInsert: sql.write<[number, string, string, string]>('INSERT INTO index_fts (rowid, name, tags, meta) VALUES (?, ?, ?, ?)'),
      ftsDelete: sql.write<[number]>('DELETE FROM index_fts WHERE rowid = ?'),

      location: sql.select<[number, number], typeof locationRow>(locationRow,
        'SELECT name, tags, folder, size, mime, category FROM index_locations WHERE fid = ? AND peer = ?'),
      insertLocation: sql.write<[number, number, ...LocationValues]>('INSERT INTO index_locations (fid, peer, name, tags, folder, size, mime, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      updateLocation: sql.write<[...LocationValues, number, number]>('UPDATE index_locations SET name = ?, tags = ?, folder = ?, size = ?, mime = ?, category = ? WHERE fid = ? AND peer = ?'),
      otherClaim: sql.select<[number, string, number, string, string], typeof oneRow>(oneRow,
        'SELECT 1 AS one FROM index_locations WHERE fid = ? AND (name <> ? OR size <> ? OR mime <> ? OR category <> ?) LIMIT 1'),
      deleteLocation: sql.write<[number, number]>('DELETE FROM index_locations WHERE fid = ? AND peer = ?'),
      anyLocation: sql.select<[number], typeof oneRow>(oneRow, 'SELECT 1 AS one FROM index_locations WHERE fid = ? LIMIT 1'),
      sameLocation: sql.select<[number, string, string, string], typeof oneRow>(oneRow,
        'SELECT 1 AS one FROM index_locations WHERE fid = ? AND name = ? AND tags = ? AND folder = ? LIMIT 1'),
      peerLocations: sql.select<[number], typeof peerLocationRow>(peerLocationRow, `SELECT l.fid, f.file_id, l.name, l.tags, l.folder,
        l.size, l.mime, l.category FROM index_locations l JOIN index_files f ON f.fid = l.fid WHERE l.peer = ?`),
    };
  }

  /** The row id of a file (undefined: not indexed). */
  fidOf(fileId: string): number | undefined {
    return this.s.fidOf.get(fileKey(fileId), fileId)?.fid;
  }

  /** The peer's files become exactly `files`. Returns the ids new to the index and those gone from it entirely. */
  replaceFiles(peer: PeerRef, files: readonly IndexedFile[], now: number): { added: string[]; removed: string[] } {
    return this.bumpingOnce(() => this.replace(peer, files, now));
  }

  private replace(peer: PeerRef, files: readonly IndexedFile[], now: number): { added: string[]; removed: string[] } {
    const before = new Map(this.s.peerLocations.all(peer.id).map((r) => [r.file_id, r]));
    const listed = new Set<string>();
    const added: string[] = [];
    const removed: string[] = [];
    let moved = 0; // locations added or removed: the peer's file count changes
    for (const file of files) {
      // What the peer held before is known; a file listed twice is looked up the second time.
      const held = listed.has(file.id) ? undefined : before.get(file.id) ?? null;
      listed.add(file.id);
      if (held === null) moved++;
      if (this.putLocation(peer, file, now, held)) added.push(file.id);
    }
    for (const [fileId, { fid }] of before) {
      if (listed.has(fileId)) continue;
      moved++;
      if (this.removeLocation(peer, fid)) removed.push(fileId);
    }
    if (moved > 0) this.counts.setFileCount(peer.id);
    return { added, removed };
  }

  /** Adds (or updates the name and tags of) some of a peer's files; idempotent. Returns the ids new to the index. */
  addFiles(peer: PeerRef, files: readonly IndexedFile[], now: number): string[] {
    const added = this.bumpingOnce(() => files.filter((file) => this.putLocation(peer, file, now)).map((f) => f.id));
    this.counts.setFileCount(peer.id);
    return added;
  }

  /** Removes some of a peer's files; idempotent. Returns the ids gone from the index entirely. */
  removeFiles(peer: PeerRef, fileIds: readonly string[]): string[] {
    const removed: string[] = [];
    for (const fileId of new Set(fileIds)) {
      const fid = this.fidOf(fileId);
      if (fid !== undefined && this.removeLocation(peer, fid)) removed.push(fileId);
    }
    this.counts.setFileCount(peer.id);
    return removed;
  }

  /** Removes every location of a peer (it is being deleted). Returns the ids gone from the index entirely. */
  removeAll(peer: PeerRef): string[] {
    const removed: string[] = [];
    for (const { fid, file_id } of this.s.peerLocations.all(peer.id)) if (this.removeLocation(peer, fid)) removed.push(file_id);
    return removed;
  }

  /**
   * The number of files a peer (its row id, its file count) would list after adding `added` and
   * removing `removed` (ids). Counted exactly only when the simple bound (its count plus every
   * added id) passes `max`.
   */
  countAfter(peer: { id: number; file_count: number }, added: readonly string[], removed: readonly string[], max: number): number {
    const current = peer.file_count;
    if (current + added.length <= max) return current + added.length;
    const has = (fileId: string) => {
      const fid = this.fidOf(fileId);
      return fid !== undefined && this.s.location.get(fid, peer.id) !== undefined;
    };
    const gone = new Set(removed.filter(has));
    let count = current - gone.size;
    for (const fileId of new Set(added)) if (gone.has(fileId) || !has(fileId)) count++;
    return count;
  }

  /**
   * Records that `peer` holds `file`. True when the file is new to the index. The file row shows
   * the claim most of its sources make (file-claims.ts), and only sources that claim the file's
   * size are listed as its sources: a download proves piece lists against the id and that size,
   * so a source claiming another is of no use to it. `held`: the peer's location of this file as
   * the caller read it (null: it has none), undefined: look it up.
   */
  private putLocation(peer: PeerRef, file: IndexedFile, now: number, held?: Location | null): boolean {
    const tags = cleanTags(file.tags);
    const tagsJson = JSON.stringify(tags);
    if (held && sameClaims(held, file, tagsJson)) return false; // listed as before: nothing to write
    const folder = file.folder ?? '';
    const known = this.s.fileByFileId.get(fileKey(file.id), file.id);
    if (!known) {
      const names = [file.name];
      const folders = folder ? [folder] : [];
      const online = peer.status === 'online';
      const fid = Number(this.s.insertFile.run({
        id: file.id, key: fileKey(file.id), size: file.size, mime: file.mime, category: file.category, pieceSize: file.pieceSize,
        ext: extensionOf(file.name), now, online: online ? 1 : 0,
        names: JSON.stringify(names), tags: JSON.stringify(tags.slice(0, MAX_TAGS_PER_FILE)), folders: JSON.stringify(folders),
      }).lastInsertRowid);
      this.counts.fileAdded(file.size, online);
      this.s.insertLocation.run(fid, peer.id, file.name, tagsJson, folder, file.size, file.mime, file.category);
      const row = ftsRow(file.category, file.size, { names, tags: tags.slice(0, MAX_TAGS_PER_FILE), folders });
      this.s.ftsInsert.run(fid, row.name, row.tags, row.meta);
      return true;
    }
    const existing = held === undefined ? this.s.location.get(known.fid, peer.id) : held;
    if (existing) {
      if (sameClaims(existing, file, tagsJson)) return false;
      this.s.updateLocation.run(file.name, tagsJson, folder, file.size, file.mime, file.category, known.fid, peer.id);
      this.refreshSummary(known.fid);
      return false;
    }
    this.s.insertLocation.run(known.fid, peer.id, file.name, tagsJson, folder, file.size, file.mime, file.category);
    const names = JSON.parse(known.names) as string[];
    const sameClaim = file.size === known.size && file.mime === known.mime && file.category === known.category;
    if (!sameClaim || (names.includes(file.name) && names[0] !== file.name)) {
      // Another size or type, or one more source for a name that is not shown first: the majority may change.
      this.refreshSummary(known.fid);
      return false;
    }
    if (peer.status === 'online') this.pendingBumps.push(known.fid);
    // The summary grows when this source brings a new name, tag or folder (a new name has one
    // source: it goes last, after names as many sources give).
    const allTags = JSON.parse(known.tags) as string[];
    const folders = JSON.parse(known.folders) as string[];
    const newName = !names.includes(file.name) && names.length < MAX_NAMES_PER_FILE;
    const newTags = tags.filter((t) => !allTags.includes(t)).slice(0, Math.max(0, MAX_TAGS_PER_FILE - allTags.length));
    const newFolder = folder !== '' && !folders.includes(folder) && folders.length < MAX_FOLDERS_PER_FILE;
    if (newName || newTags.length > 0 || newFolder) {
      this.claims.writeSummary(known, {
        names: newName ? [...names, file.name] : names, tags: [...allTags, ...newTags], folders: newFolder ? [...folders, folder] : folders,
      });
    }
    return false;
  }

  /** Forgets that `peer` holds file `fid`. True when the file is now gone from the index. */
  private removeLocation(peer: PeerRef, fid: number): boolean {
    this.flushBumps();
    const existing = this.s.location.get(fid, peer.id);
    if (!existing) return false;
    this.s.deleteLocation.run(fid, peer.id);
    const known = this.s.summary.get(fid);
    if (!this.s.anyLocation.get(fid)) {
      const gone = this.s.deleteFile.get(fid);
      if (gone) this.counts.fileRemoved(gone);
      this.s.ftsDelete.run(fid);
      this.claims.forget(fid);
      return true;
    }
    const sameClaim = known !== undefined && existing.size === known.size && existing.mime === known.mime && existing.category === known.category;
    if (sameClaim && peer.status === 'online') this.counts.bumpSources(fid, -1);
    // Every other source agrees with this one (the common case), and one has the same tags and
    // folder: the summary is unchanged. Otherwise the majority may have changed.
    if (!sameClaim || this.s.otherClaim.get(fid, existing.name, existing.size, existing.mime, existing.category)
      || !this.s.sameLocation.get(fid, existing.name, existing.tags, existing.folder)) this.claims.refreshSummary(fid);
    return false;
  }

  /** Decides a file's claims again (file-claims.ts), on its counts as they are: the bumps waiting are written first. */
  private refreshSummary(fid: number): void {
    this.flushBumps();
    this.claims.refreshSummary(fid);
  }

  /** Runs `fn` with its bumps gathered and written once at its end; a failed write (rolled back) leaves none behind. */
  private bumpingOnce<T>(fn: () => T): T {
    this.pendingBumps = [];
    try {
      const result = fn();
      this.flushBumps();
      return result;
    } finally {
      this.pendingBumps = [];
    }
  }

  /** The online sources waiting to be added (pendingBumps), in one statement. */
  private flushBumps(): void {
    if (this.pendingBumps.length === 0) return;
    this.counts.bumpSourcesOf(this.pendingBumps);
    this.pendingBumps = [];
  }
}
