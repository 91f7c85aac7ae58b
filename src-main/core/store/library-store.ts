// The library's tables: contents (files), where they live (locations), what the user shared or
// unshared by path. Only SQL lives here; the Library service decides what to do.
import type { Category } from '../../../src-shared/api/common.js';
import type { Db } from './database.js';

export interface FileRow {
  id: string;
  size: number;
  pieceSize: number;
  pieceHashes: Buffer;
  mime: string;
  category: Category;
  userTags: string[];
  sharedAt: number;
  /** The whole content's SHA-256, once computed in the background (content-sha256.ts). */
  sha256: string | null;
}

export interface LocationRow {
  path: string;
  fileId: string;
  root: string;
  name: string;
  size: number;
  mtimeMs: number;
  inode: number;
  addedAt: number;
}

export interface FileQuery {
  offset: number;
  limit: number;
  category?: Category | undefined;
  ext?: string | undefined;
  tag?: string | undefined;
  /** Every word must appear in a name or a tag. */
  words?: string[] | undefined;
  sort: 'name' | 'size' | 'shared';
  order: 'asc' | 'desc';
  /**
   * Only contents this peer may see (access.ts): null = a peer that proved no device, a node id
   * = that device; undefined = everything (the local user).
   */
  visibleTo?: string | null | undefined;
}

/**
 * A content is visible to @viewer when one of its locations is in a root shared with everyone (no
 * root_access row) or in a root whose devices list @viewer (never true for a NULL viewer).
 */
const VISIBLE = `EXISTS (SELECT 1 FROM locations vl WHERE vl.file_id = f.id AND (
  NOT EXISTS (SELECT 1 FROM root_access ra WHERE ra.root = vl.root)
  OR EXISTS (SELECT 1 FROM root_access ra, json_each(ra.devices) d WHERE ra.root = vl.root AND d.value = @viewer)))`;

export type LibraryCounts = { files: number; locations: number; bytes: number };
const NO_COUNTS: LibraryCounts = { files: 0, locations: 0, bytes: 0 };
/** Viewers whose counts are kept at once (the public, the devices asking); past it all are forgotten. */
const MAX_KEPT_COUNTS = 64;

interface RawFile {
  id: string; size: number; piece_size: number; piece_hashes: Buffer; mime: string;
  category: Category; user_tags: string; shared_at: number; sha256: string | null;
}
interface RawLocation {
  path: string; file_id: string; root: string; name: string; size: number; mtime_ms: number; inode: number; added_at: number;
}

const toFile = (r: RawFile): FileRow => ({
  id: r.id, size: r.size, pieceSize: r.piece_size, pieceHashes: r.piece_hashes, mime: r.mime,
  category: r.category, userTags: JSON.parse(r.user_tags) as string[], sharedAt: r.shared_at, sha256: r.sha256,
});
const toLocation = (r: RawLocation): LocationRow => ({
  path: r.path, fileId: r.file_id, root: r.root, name: r.name, size: r.size, mtimeMs: r.mtime_ms,
  inode: r.inode, addedAt: r.added_at,
});

/** What an unshared path held: its content and the stamp that content was hashed with (resume-unshared.ts). */
export interface UnsharedStamp {
  path: string;
  fileId: string;
  size: number;
  mtimeMs: number;
  inode: number;
}

/** What recording one location did (recordLocation). */
export interface RecordedLocation {
  /** The content the path held before, when it was another one (dropped if it has no location left). */
  before: string | undefined;
  /** The content's row was written now, from what was passed: no user tags, no SHA-256 yet. */
  inserted: boolean;
  /** The new content took the tags its user gave the path's old one (its row's tags changed). */
  tagsInherited: boolean;
}

export class LibraryStore {
  private readonly s;
  /** Built once: better-sqlite3 builds a wrapper per db.transaction() call (~0.2 ms each). */
  private readonly tx;
  /**
   * The counts scan every file (and, with restricted roots, every location's access), and strangers
   * ask for them with every /info and public /stats: hundreds of times a second in a flood, each a
   * scan of a library of any size. They are kept until a row is written on this connection, which
   * SQLite's total_changes() tells in a few microseconds (by viewer: null is the public's).
   */
  private readonly countsKept = new Map<string, { changes: number; counts: LibraryCounts }>();

  constructor(private readonly db: Db) {
    this.s = {
      getFile: db.prepare<[string], RawFile>('SELECT * FROM files WHERE id = ?'),
      upsertFile: db.prepare(`INSERT INTO files (id, size, piece_size, piece_hashes, mime, category, shared_at)
        VALUES (@id, @size, @pieceSize, @pieceHashes, @mime, @category, @sharedAt)
        ON CONFLICT(id) DO NOTHING`),
      setTags: db.prepare('UPDATE files SET user_tags = ? WHERE id = ?'),
      inheritTags: db.prepare(`UPDATE files SET user_tags = (SELECT user_tags FROM files WHERE id = @from)
        WHERE id = @to AND user_tags = '[]' AND EXISTS (SELECT 1 FROM files WHERE id = @from AND user_tags <> '[]')`),
      deleteOrphanFile: db.prepare('DELETE FROM files WHERE id = ? AND NOT EXISTS (SELECT 1 FROM locations WHERE file_id = ?)'),
      // Without the piece hashes (up to 64 KiB a file): callers of allFiles only need the rest.
      allFiles: db.prepare<[], RawFile>(`SELECT id, size, piece_size, X'' AS piece_hashes, mime, category, user_tags, shared_at, sha256
        FROM files ORDER BY shared_at, id`),
      // Locations whose bytes were hashed (mtime -1: waiting to be hashed again, migration 4).
      nextWithoutSha256: db.prepare<[string], { id: string; path: string; size: number; mtime_ms: number; inode: number }>(`
        SELECT f.id, l.path, l.size, l.mtime_ms, l.inode FROM files f JOIN locations l ON l.file_id = f.id
        WHERE f.sha256 IS NULL AND f.id > ? AND l.mtime_ms >= 0 ORDER BY f.id LIMIT 1`),
      setSha256: db.prepare('UPDATE files SET sha256 = ? WHERE id = ?'),
      getLocation: db.prepare<[string], RawLocation>('SELECT * FROM locations WHERE path = ?'),
      locationFileId: db.prepare<[string], string>('SELECT file_id FROM locations WHERE path = ?').pluck(),
      locationsOf: db.prepare<[string], RawLocation>('SELECT * FROM locations WHERE file_id = ? ORDER BY added_at, path'),
      locationsUnder: db.prepare<[string], RawLocation>('SELECT * FROM locations WHERE root = ?'),
      // Raw rows (arrays), not objects: a rescan reads every location at once.
      locationStamps: db.prepare<[], [string, number, number, number]>('SELECT path, size, mtime_ms, inode FROM locations').raw(),
      // By migration 10's index on inode: where a moved file was (file-indexer.ts).
      pathsWithStamp: db.prepare<[number, number, number], string>('SELECT path FROM locations WHERE inode = ? AND size = ? AND mtime_ms = ?').pluck(),
      // A range on the primary key instead of a scan of every location.
      pathsUnder: db.prepare<[string, string], { path: string }>('SELECT path FROM locations WHERE path > ? AND path < ?'),
      excludedPaths: db.prepare<[], { path: string }>('SELECT path FROM excluded_paths'),
      upsertLocation: db.prepare(`INSERT INTO locations (path, file_id, root, name, size, mtime_ms, inode, added_at)
        VALUES (@path, @fileId, @root, @name, @size, @mtimeMs, @inode, @addedAt)
        ON CONFLICT(path) DO UPDATE SET file_id = excluded.file_id, root = excluded.root, name = excluded.name,
          size = excluded.size, mtime_ms = excluded.mtime_ms, inode = excluded.inode`),
      deleteLocation: db.prepare('DELETE FROM locations WHERE path = ?'),
      totalChanges: db.prepare<[], number>('SELECT total_changes()').pluck(),
      counts: db.prepare<[], LibraryCounts>(`SELECT
        (SELECT count(*) FROM files) AS files, (SELECT count(*) FROM locations) AS locations,
        (SELECT coalesce(sum(size), 0) FROM files) AS bytes`),
      sharedPaths: db.prepare<[], { path: string }>('SELECT path FROM shared_paths ORDER BY path'),
      addSharedPath: db.prepare('INSERT OR IGNORE INTO shared_paths (path) VALUES (?)'),
      removeSharedPath: db.prepare('DELETE FROM shared_paths WHERE path = ?'),
      isExcluded: db.prepare<[string], { path: string }>('SELECT path FROM excluded_paths WHERE path = ?'),
      // A path unshared again keeps the date it was first unshared, and takes its latest stamp.
      addExcluded: db.prepare(`INSERT INTO excluded_paths (path, added_at, file_id, size, mtime_ms, inode)
        VALUES (@path, @addedAt, @fileId, @size, @mtimeMs, @inode)
        ON CONFLICT(path) DO UPDATE SET file_id = excluded.file_id, size = excluded.size, mtime_ms = excluded.mtime_ms, inode = excluded.inode`),
      stampsUnder: db.prepare<[string, string], { path: string; file_id: string; size: number; mtime_ms: number; inode: number }>(`
        SELECT path, file_id, size, mtime_ms, inode FROM excluded_paths
        WHERE (path = ? OR path LIKE ? ESCAPE '\\') AND file_id IS NOT NULL`),
      removeExcludedUnder: db.prepare('DELETE FROM excluded_paths WHERE path = ? OR path LIKE ? ESCAPE \'\\\''),
      // Copied inside SQLite: the piece hashes (up to 64 KiB) never pass through JavaScript.
      keepUnsharedContent: db.prepare(`INSERT OR REPLACE INTO unshared_contents (id, size, piece_size, piece_hashes, mime, category, user_tags, sha256)
        SELECT id, size, piece_size, piece_hashes, mime, category, user_tags, sha256 FROM files WHERE id = ?`),
      unsharedContent: db.prepare<[string], Omit<RawFile, 'shared_at'>>('SELECT * FROM unshared_contents WHERE id = ?'),
      dropUnusedUnsharedContents: db.prepare(`DELETE FROM unshared_contents
        WHERE id NOT IN (SELECT file_id FROM excluded_paths WHERE file_id IS NOT NULL)`),
      // `pattern` is '%' for every path, or the search text escaped for LIKE (excludedPage).
      excludedPage: db.prepare<[string, number, number], { path: string; added_at: number }>("SELECT path, added_at FROM excluded_paths WHERE path LIKE ? ESCAPE '\\' ORDER BY added_at DESC, path LIMIT ? OFFSET ?"),
      excludedCount: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM excluded_paths WHERE path LIKE ? ESCAPE '\\'"),
      visibleCounts: db.prepare<{ viewer: string | null }, LibraryCounts>(`SELECT count(*) AS files,
        coalesce(sum(size), 0) AS bytes,
        (SELECT count(*) FROM locations l WHERE NOT EXISTS (SELECT 1 FROM root_access ra WHERE ra.root = l.root)
          OR EXISTS (SELECT 1 FROM root_access ra, json_each(ra.devices) d WHERE ra.root = l.root AND d.value = @viewer)) AS locations
        FROM files f WHERE ${VISIBLE}`),
      rootAccess: db.prepare<[], { root: string; devices: string }>('SELECT root, devices FROM root_access'),
      setRootAccess: db.prepare('INSERT INTO root_access (root, devices) VALUES (?, ?) ON CONFLICT(root) DO UPDATE SET devices = excluded.devices'),
      clearRootAccess: db.prepare('DELETE FROM root_access WHERE root = ?'),
    };
    this.tx = {
      record: db.transaction((file: Omit<FileRow, 'userTags' | 'sha256'>, location: LocationRow) => this.writeLocation(file, location)),
      remove: db.transaction((path: string) => this.deleteLocation(path)),
    };
  }

  getFile(id: string): FileRow | undefined {
    const row = this.s.getFile.get(id);
    return row && toFile(row);
  }

  /** The next content after `afterId` (in id order) whose SHA-256 is not known, with one of its locations. */
  nextWithoutSha256(afterId: string): { id: string; path: string; size: number; mtimeMs: number; inode: number } | undefined {
    const row = this.s.nextWithoutSha256.get(afterId);
    return row && { id: row.id, path: row.path, size: row.size, mtimeMs: row.mtime_ms, inode: row.inode };
  }

  setSha256(fileId: string, sha256: string): void {
    this.s.setSha256.run(sha256, fileId);
  }

  /** Every content, with empty `pieceHashes`. */
  allFiles(): FileRow[] {
    return this.s.allFiles.all().map(toFile);
  }

  getLocation(path: string): LocationRow | undefined {
    const row = this.s.getLocation.get(path);
    return row && toLocation(row);
  }

  locationsOf(fileId: string): LocationRow[] {
    return this.s.locationsOf.all(fileId).map(toLocation);
  }

  locationsUnder(root: string): LocationRow[] {
    return this.s.locationsUnder.all(root).map(toLocation);
  }

  /** Every location's (size, mtime, inode): what a rescan compares the disk with, in one query instead of one lookup per file. */
  locationStamps(): LocationStamps {
    return new LocationStamps(this.s.locationStamps.all());
  }

  /** Paths of the locations hashed with this (size, mtime, inode): where a file moved to another path was. */
  pathsWithStamp(stamp: { size: number; mtimeMs: number; ino: number }): string[] {
    return this.s.pathsWithStamp.all(stamp.ino, stamp.size, stamp.mtimeMs);
  }

  /** Paths of the locations strictly under folder `dir`. */
  locationPathsUnder(dir: string, separator: string): string[] {
    const prefix = dir.endsWith(separator) ? dir : dir + separator;
    // Every string starting with `prefix` sorts between it and the prefix with its last character bumped.
    const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    return this.s.pathsUnder.all(prefix, end).map((r) => r.path);
  }

  excludedPaths(): Set<string> {
    return new Set(this.s.excludedPaths.all().map((r) => r.path));
  }

  /**
   * Records that `location` holds content `file`, saying what it wrote (`before`: the id the path
   * held, if another content, so the caller can drop it when it has no location left). Inside a
   * batch it adds no transaction of its own (a nested one is a SAVEPOINT per file: ~0.25 ms of the
   * main thread each while indexing).
   */
  recordLocation(file: Omit<FileRow, 'userTags' | 'sha256'>, location: LocationRow): RecordedLocation {
    return this.db.inTransaction ? this.writeLocation(file, location) : this.tx.record(file, location);
  }

  /** Forgets a location; returns its file id and whether that content is now gone entirely. */
  removeLocation(path: string): { fileId: string; orphaned: boolean } | undefined {
    return this.db.inTransaction ? this.deleteLocation(path) : this.tx.remove(path);
  }

  private writeLocation(file: Omit<FileRow, 'userTags' | 'sha256'>, location: LocationRow): RecordedLocation {
    const before = this.s.locationFileId.get(location.path);
    const inserted = this.s.upsertFile.run(file).changes > 0;
    this.s.upsertLocation.run(location);
    if (before === undefined || before === file.id) return { before: undefined, inserted, tagsInherited: false };
    // The path's new content keeps the tags its user gave the old one (an edit, a re-hash).
    const tagsInherited = this.s.inheritTags.run({ to: file.id, from: before }).changes > 0;
    this.s.deleteOrphanFile.run(before, before);
    return { before, inserted, tagsInherited };
  }

  private deleteLocation(path: string): { fileId: string; orphaned: boolean } | undefined {
    const fileId = this.s.locationFileId.get(path);
    if (fileId === undefined) return undefined;
    this.s.deleteLocation.run(path);
    const orphaned = this.s.deleteOrphanFile.run(fileId, fileId).changes > 0;
    return { fileId, orphaned };
  }

  setUserTags(id: string, tags: string[]): void {
    this.s.setTags.run(JSON.stringify(tags), id);
  }

  counts(): LibraryCounts {
    return this.kept('all', () => this.s.counts.get() ?? NO_COUNTS);
  }

  queryFiles(q: FileQuery): { rows: FileRow[]; total: number } {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (q.visibleTo !== undefined) { where.push(VISIBLE); args.viewer = q.visibleTo; }
    if (q.category) { where.push('f.category = @category'); args.category = q.category; }
    if (q.ext) {
      where.push(`EXISTS (SELECT 1 FROM locations l WHERE l.file_id = f.id AND lower(l.name) LIKE @ext ESCAPE '\\')`);
      args.ext = `%.${escapeLike(q.ext)}`;
    }
    if (q.tag) {
      where.push(`(EXISTS (SELECT 1 FROM json_each(f.user_tags) t WHERE t.value = @tag) OR f.category = @tag
        OR EXISTS (SELECT 1 FROM locations l WHERE l.file_id = f.id AND lower(l.name) LIKE @tagExt ESCAPE '\\'))`);
      args.tag = q.tag;
      args.tagExt = `%.${escapeLike(q.tag)}`;
    }
    (q.words ?? []).forEach((word, i) => {
      // The name, or the path below the root (its folders), never above it: folders are context too.
      where.push(`(EXISTS (SELECT 1 FROM locations l WHERE l.file_id = f.id
          AND (l.name LIKE @w${i} ESCAPE '\\' OR substr(l.path, length(l.root) + 2) LIKE @w${i} ESCAPE '\\'))
        OR f.user_tags LIKE @w${i} ESCAPE '\\' OR f.category LIKE @w${i} ESCAPE '\\')`);
      args[`w${i}`] = `%${escapeLike(word)}%`;
    });
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const dir = q.order === 'desc' ? 'DESC' : 'ASC';
    const orderSql = {
      name: `(SELECT min(lower(l.name)) FROM locations l WHERE l.file_id = f.id) ${dir}, f.id`,
      size: `f.size ${dir}, f.id`,
      shared: `f.shared_at ${dir}, f.id`,
    }[q.sort];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM files f ${whereSql}`).get(args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT f.* FROM files f ${whereSql} ORDER BY ${orderSql} LIMIT @limit OFFSET @offset`)
      .all({ ...args, limit: q.limit, offset: q.offset }) as RawFile[];
    return { rows: rows.map(toFile), total };
  }

  /** The counts a peer may see. */
  visibleCounts(viewer: string | null): LibraryCounts {
    return this.kept(`to ${viewer}`, () => this.s.visibleCounts.get({ viewer }) ?? NO_COUNTS);
  }

  private kept(key: string, count: () => LibraryCounts): LibraryCounts {
    if (this.db.inTransaction) return count(); // what it sees may yet be rolled back
    const changes = this.s.totalChanges.get() ?? -1;
    const known = this.countsKept.get(key);
    if (known && known.changes === changes) return { ...known.counts };
    const counts = count();
    if (this.countsKept.size >= MAX_KEPT_COUNTS) this.countsKept.clear();
    this.countsKept.set(key, { changes, counts });
    return { ...counts };
  }

  /** Roots shared only with some devices, and those devices' node ids. */
  restrictedRoots(): Map<string, string[]> {
    return new Map(this.s.rootAccess.all().map((r) => [r.root, JSON.parse(r.devices) as string[]]));
  }

  /** Restricts a root to these devices, or (null) shares it with everyone again. */
  setRootAccess(root: string, devices: readonly string[] | null): void {
    if (devices) this.s.setRootAccess.run(root, JSON.stringify([...new Set(devices)]));
    else this.s.clearRootAccess.run(root);
  }

  sharedPaths(): string[] {
    return this.s.sharedPaths.all().map((r) => r.path);
  }

  addSharedPath(path: string): void {
    this.s.addSharedPath.run(path);
  }

  removeSharedPath(path: string): void {
    this.s.removeSharedPath.run(path);
  }

  isExcluded(path: string): boolean {
    return this.s.isExcluded.get(path) !== undefined;
  }

  /**
   * Remembers a location as unshared, with the content it held and the stamp it was hashed with:
   * the content's row (pieces, tags, SHA-256) is kept while an unshared path names it, so that
   * sharing the path again unchanged needs no hash (resume-unshared.ts).
   */
  exclude(location: LocationRow): void {
    this.s.keepUnsharedContent.run(location.fileId);
    this.s.addExcluded.run({
      path: location.path, addedAt: Date.now(), fileId: location.fileId,
      size: location.size, mtimeMs: location.mtimeMs, inode: location.inode,
    });
  }

  /** A page of unshared paths; with `search`, only those whose path (so its name too) contains it, and `total` counts those. */
  excludedPage(offset: number, limit: number, search = ''): { rows: { path: string; unsharedAt: number }[]; total: number } {
    // The user's text is matched literally: its % and _ are not wildcards.
    const pattern = search ? `%${escapeLike(search)}%` : '%';
    const rows = this.s.excludedPage.all(pattern, limit, offset).map((r) => ({ path: r.path, unsharedAt: r.added_at }));
    return { rows, total: this.s.excludedCount.get(pattern)?.n ?? 0 };
  }

  /**
   * Sharing a path again lifts every exclusion at or under it. Returns the stamps those paths were
   * unshared with; their contents stay readable (unsharedContent) until dropUnusedUnsharedContents.
   */
  unexcludeUnder(path: string, separator: string): UnsharedStamp[] {
    const under = `${escapeLike(path)}${escapeLike(separator)}%`;
    const stamps = this.s.stampsUnder.all(path, under)
      .map((r) => ({ path: r.path, fileId: r.file_id, size: r.size, mtimeMs: r.mtime_ms, inode: r.inode }));
    this.s.removeExcludedUnder.run(path, under);
    return stamps;
  }

  /** A content kept since its last path was unshared, `sharedAt` left 0 (it is shared again now, or never). */
  unsharedContent(id: string): FileRow | undefined {
    const row = this.s.unsharedContent.get(id);
    return row && toFile({ ...row, shared_at: 0 });
  }

  /** Forgets the kept contents no unshared path names any more. */
  dropUnusedUnsharedContents(): void {
    this.s.dropUnusedUnsharedContents.run();
  }

  /** Runs `fn` in one transaction: a rescan's thousands of writes cost one fsync. */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

/**
 * What a rescan trusts: a location whose size, mtime and inode are unchanged is not hashed again.
 * Numbers in one typed array, not an object or a string per location: 100,000 of them load in a
 * few tens of ms and leave nothing for the collector to trace.
 */
export class LocationStamps {
  private readonly index = new Map<string, number>();
  private readonly stamps: Float64Array;

  constructor(rows: readonly (readonly [string, number, number, number])[]) {
    this.stamps = new Float64Array(rows.length * 3);
    rows.forEach(([path, size, mtimeMs, inode], i) => {
      this.index.set(path, i);
      this.stamps.set([size, mtimeMs, inode], i * 3);
    });
  }

  /** Whether `path` is known with exactly this stamp. Takes it out either way: what is never taken is gone from disk. */
  take(path: string, size: number, mtimeMs: number, inode: number): boolean {
    const i = this.index.get(path);
    if (i === undefined) return false;
    this.index.delete(path);
    const s = this.stamps;
    return s[i * 3] === size && s[i * 3 + 1] === mtimeMs && s[i * 3 + 2] === inode;
  }

  /** The paths never taken. */
  untaken(): string[] {
    return [...this.index.keys()];
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
