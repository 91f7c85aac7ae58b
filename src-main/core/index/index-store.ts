// The index server's tables (migration 2): peers, the files they hold, where (locations), and the
// full-text table search runs on. Only storage and SQL live here; IndexService decides.
//
// Invariants the store keeps on every write (each public write is one transaction):
// - index_files.online_sources = the number of the file's locations whose peer is online;
// - a file row (and its full-text row) exists exactly while some peer holds it;
// - index_files.names/tags and the full-text row summarise the file's locations (capped);
// - index_peers.file_count = the number of the peer's locations;
// - index_totals = count, available count and available bytes of index_files.
// - the in-memory sessions (peer-session-cache.ts) never differ from index_peers: every write of a
//   peer's status or session forgets its entry.
//
// How search stays fast at a million files (figures: bench/search.ts):
// - One FTS5 MATCH carries the words, phrases, prefixes and exclusions (search-query-parser.ts)
//   and also the category, extension and tag filters, as tokens of a `meta` column: FTS5
//   intersects doclists far faster than checking rows one by one.
// - Hits are read in rowid order, newest first; FTS5 then reads doclists lazily and stops when
//   the page is full. Size and sources filters are checked on index_files as hits stream by,
//   reading at most SCAN_FACTOR × the hits needed.
// - No bm25: its document frequencies cost a pass over every hit of every term (a filter token
//   such as "category = document" has 120,000), whatever the result's size. quickRelevance ranks
//   from the name instead (whole word, word start, share of the name, sources).
// - A query with at most RANK_WINDOW hits is ranked exactly, with an exact total. A broader one is
//   ranked within consecutive windows of RANK_WINDOW hits, newest window first (the same windows
//   whatever the page, so pages never overlap), and its total is estimated from the hit density
//   met so far (`totalIsEstimate`).
// - A page's files and sources are read in two batched statements.
import { categories, type Category } from '../../../src-shared/api/common.js';
import type { IndexedFile, IndexPeer, SearchQuery, SearchResponse, SearchResult } from '../../../src-shared/api/index-routes.js';
import type { Db } from '../store/database.js';
import { extensionOf, nameSearchText, wordsOf } from './name-tokens.js';
import { PeerSessionCache, type PeerSession } from './peer-session-cache.js';
import { decayReputation, REPUTATION_MAX, REPUTATION_MIN, REPUTATION_NEUTRAL } from './reputation.js';
import { ftsString, parseSearchQuery, toFtsParts, type ParsedQuery } from './search-query-parser.js';
import { peerBaseUrl, rankSources, sourceDownloadUrl, sourceScoreSql, type SourceLoad } from './source-ranking.js';

export type IndexSource = SearchResult['sources'][number];
export type PeerStatus = 'online' | 'offline';

export interface PeerRegistration {
  peerId: string;
  name: string;
  address: string;
  port: number;
  /** SHA-256 of the session token (session-tokens.ts). */
  sessionHash: string;
  now: number;
  /** The address the registration came from (default: `address`). */
  sourceAddress?: string | undefined;
  /** What the per-address limits count the claimed and the observed address under (address-keys.ts). */
  addressKey?: string | undefined;
  sourceKey?: string | undefined;
}

export interface PeerLoad {
  activeUploads?: number | undefined;
  freeUploadSlots?: number | undefined;
  /** Added to the reputation (bounded 0..100). */
  reputationDelta?: number | undefined;
  /**
   * The reputationDelta is earned over this many ms (a heartbeat's: one interval): it is scaled by
   * the time since the peer was last seen, at most 1×, so heartbeats sent faster than asked earn
   * no more than heartbeats on time. Absent or 0: added whole.
   */
  earnedOverMs?: number | undefined;
}

export interface IndexCounts {
  peersOnline: number;
  peersTotal: number;
  uniqueFiles: number;
  /** Files with at least one online source. */
  availableFiles: number;
  /** Bytes of the available files. */
  availableBytes: number;
}

export interface IndexSearchResponse extends SearchResponse {
  /** True when `total` is an estimate (a broad query: see RANK_WINDOW). */
  totalIsEstimate: boolean;
}

/** Distinct names kept (and searchable) per file. */
export const MAX_NAMES_PER_FILE = 32;
/** Distinct folders kept (searchable, shown) per file. */
export const MAX_FOLDERS_PER_FILE = 8;
/**
 * A file's claims (size, type, names) are decided among at most this many of its sources (the
 * first registered): deciding reads them, and a popular file has thousands.
 */
const CLAIM_SAMPLE = 1024;
/** Transfer reports kept at most (about 300 bytes each), the newest. */
export const MAX_REPORT_ROWS = 500_000;
/** Files whose proven size the index remembers at most. */
const MAX_PROVEN_SIZES = 10_000;
/** Distinct tags kept (and searchable) per file. */
export const MAX_TAGS_PER_FILE = 64;
/** Online sources listed per search result (the redirect considers them all). */
export const SOURCES_PER_RESULT = 20;
/** A search result's sources are the best of at most this many online ones (popular files have thousands). */
const SOURCE_SAMPLE = 256;
/** Hits ranked together: a query with at most this many is ranked exactly, a broader one window by window. See fullText. */
export const RANK_WINDOW = 500;
/** A search reads at most this many times the hits it needs (filters on size and sources reject some). */
const SCAN_FACTOR = 8;
/** A last word shorter than this is matched whole, not as a prefix (`a*` would match most of the index). */
const MIN_PREFIX = 2;
export const MAX_PAGE_SIZE = 200;
/** Results past this many are not served: refine the query instead (every page reads the hits before it). */
export const MAX_RESULT_DEPTH = 10_000;
/** The connection's page cache while the index role is on, in KiB. */
const INDEX_CACHE_KIB = 64 * 1024;
/** Exact counts of filter-only browsing stop here; beyond, the total is an estimate. */
const COUNT_CAP = 5000;
/** Failures reported against a peer halve every this many ms. */
const FAILURE_HALF_LIFE_MS = 10 * 60_000;
/** Reputations decay at most this often (decay is a write over every peer). */
const DECAY_EVERY_MS = 60_000;
/** Matches every row (every file has a category token): the base of an exclusions-only query. */
const ALL_ROWS = `meta : (${categories.map((c) => ftsString(`c${c}`)).join(' OR ')})`;

interface RawPeer {
  id: number; peer_id: string; name: string; address: string; port: number; session_hash: string | null;
  status: PeerStatus; registered_at: number; last_seen: number; reputation: number; active_uploads: number;
  free_upload_slots: number; failures_recent: number; file_count: number; first_seen: number;
}
interface PeerRef { id: number; status: PeerStatus }
/** What the index weighs a peer's reports and limits by (peerStanding). */
export interface PeerStanding { addressKey: string; sourceKey: string; firstSeen: number; reputation: number; status: PeerStatus; fileCount: number }
interface RawFile {
  fid: number; file_id: string; size: number; mime: string; category: Category; piece_size: number;
  first_seen: number; online_sources: number; names: string; tags: string; folders: string;
}
interface Summary { fid: number; category: Category; size: number; mime: string; names: string; tags: string; folders: string; online_sources: number }
/** One source's claims about a file (index_locations), with what the majority is weighed by. */
interface Claim { name: string; tags: string; folder: string; size: number; mime: string; category: Category; reputation: number; status: PeerStatus }
/** A file's text as the index keeps it: names, tags and folders, each distinct and capped. */
interface FileText { names: string[]; tags: string[]; folders: string[] }
interface RawSource {
  peer_id: string; name: string; address: string; port: number; reputation: number; active_uploads: number; free_upload_slots: number;
}
/** A source row with what source-ranking.ts scores it by. */
interface RankedSource extends RawSource, SourceLoad {
  fid: number;
  order: number;
}
interface Hit { fid: number; size: number; sources: number; names: string }

const round2 = (n: number) => Math.round(n * 100) / 100;

const toPeer = (r: RawPeer): IndexPeer => ({
  peerId: r.peer_id, name: r.name, address: r.address, port: r.port, url: peerBaseUrl(r.address, r.port),
  status: r.status, fileCount: r.file_count, reputation: round2(r.reputation), activeUploads: r.active_uploads,
  freeUploadSlots: r.free_upload_slots, registeredAt: new Date(r.registered_at).toISOString(), lastSeen: new Date(r.last_seen).toISOString(),
});

const toSource = (fileId: string) => (r: RawSource): IndexSource => ({
  peerId: r.peer_id, name: r.name, url: sourceDownloadUrl(r.address, r.port, fileId), reputation: round2(r.reputation),
  activeUploads: r.active_uploads, freeUploadSlots: r.free_upload_slots,
});

/** The index key of a file id: its first 52 bits (13 hex digits), a safe integer. */
export function fileKey(fileId: string): number {
  return parseInt(fileId.slice(0, 13), 16) || 0;
}

/** Tags as the index keeps them: trimmed, lowercased, distinct, non-empty. */
function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))];
}

/** A tag as one `meta` token: letters and digits only (`sci-fi` = `sci fi` = `scifi`; `c++` ≠ `c#`). */
export function tagToken(tag: string): string | undefined {
  const core = tag.toLowerCase().replace(/\+/g, 'plus').replace(/#/g, 'sharp').replace(/[^\p{L}\p{N}]/gu, '');
  return core ? `t${core}` : undefined;
}

/** Sizes are also `meta` tokens by order of magnitude: `s0` under 10 bytes … `s9` from 1 GB to 10 GB. */
const SIZE_CLASSES = 16;
function sizeClass(size: number): number {
  return Math.min(SIZE_CLASSES - 1, String(Math.max(0, Math.floor(size))).length - 1);
}
function sizeToken(size: number): string {
  return `s${sizeClass(size)}`;
}

/**
 * The size classes a size range covers, as an FTS5 condition (undefined: all of them). Rows of
 * the edge classes are still checked against the exact bounds; the others never fail them, so a
 * broad text query with a narrow size range reads few rows it then drops.
 */
function sizeCondition(minSize: number | undefined, maxSize: number | undefined): string | undefined {
  const lo = minSize === undefined ? 0 : sizeClass(minSize);
  const hi = maxSize === undefined ? SIZE_CLASSES - 1 : sizeClass(maxSize);
  if (lo === 0 && hi === SIZE_CLASSES - 1) return undefined;
  const tokens: string[] = [];
  for (let c = lo; c <= hi; c++) tokens.push(ftsString(`s${c}`));
  return tokens.length === 1 ? `meta : ${tokens[0]}` : `meta : (${tokens.join(' OR ')})`;
}

/**
 * The full-text row of a file. The automatic tags that repeat its category or an extension stay
 * out of the searchable `tags` text (they are `meta` tokens for the filters): as words they would
 * give `video`, `image` or `jpg` hundreds of thousands of hits that rank nothing.
 */
function ftsRow(category: string, size: number, { names, tags, folders }: FileText): { name: string; tags: string; meta: string } {
  const meta = new Set<string>([`c${category}`, sizeToken(size)]);
  const plain = new Set<string>([category]);
  for (const name of names) {
    const ext = extensionOf(name);
    if (ext) {
      meta.add(`e${ext}`);
      plain.add(ext);
    }
  }
  for (const tag of tags) {
    const token = tagToken(tag);
    if (token) meta.add(token);
  }
  return {
    name: names.map(nameSearchText).join(' ; '),
    // Folders go with the tags: context words, which quickRelevance does not rank like the name.
    tags: [...tags.filter((t) => !plain.has(t)), ...folders.map(nameSearchText)].join(' ; '),
    meta: [...meta].join(' '),
  };
}

const categoryWords = new Set<string>(categories);

/**
 * The chips a file shows (its category, its extension) match as words too: `audio` finds every
 * audio file through its `meta` token, as the category filter does, without putting `audio` into
 * the text of hundreds of thousands of rows. The word must be the whole chip (`aud` is not
 * `audio`); a word still being typed counts, or `audio` would find nothing until a space.
 */
export function chipAlternative(term: { text: string; phrase: boolean }): string | undefined {
  if (term.phrase) return undefined;
  const word = term.text.toLowerCase();
  if (categoryWords.has(word)) return `meta : ${ftsString(`c${word}`)}`;
  if (/^[a-z0-9]{1,16}$/.test(word) && /[a-z]/.test(word)) return `meta : ${ftsString(`e${word}`)}`;
  return undefined;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** Lower case without diacritics, as the tokenizer folds text. */
function fold(text: string): string {
  return isAscii(text) ? text.toLowerCase() : text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

function isWordChar(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (Number.isNaN(c)) return false;
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return /[\p{L}\p{N}]/u.test(text.charAt(at));
}

/** Letters and digits in a folded name. */
function letterCount(folded: string): number {
  let n = 0;
  for (let i = 0; i < folded.length; i++) if (isWordChar(folded, i)) n++;
  return n;
}

/**
 * A cheap relevance for ranking many hits without bm25 (whose document frequencies cost a pass
 * over every hit of every term), higher is better. Per query word found in the file's name (its
 * first name, the one results show):
 * +3 when it starts a word there (a camelCase hump counts), +1 more when it is the whole word;
 * +1 when found inside a word; nothing when it matched another name or a tag; +1 when it follows
 * the query's previous word with one separator between them (`love story`). Then +2 × the share
 * of the name the query words cover (short names that are mostly the query first), and
 * +0.5 × ln(1 + online sources).
 */
export function quickRelevance(words: readonly string[], name: string, sources: number): number {
  const folded = fold(name);
  const sameLength = folded.length === name.length;
  let score = 0;
  let covered = 0;
  let previousEnd = -2;
  for (const word of words) {
    const at = folded.indexOf(word);
    if (at < 0) {
      previousEnd = -2;
      continue;
    }
    covered += word.length;
    if (at === previousEnd + 1) score += 1; // right after the previous word, as typed
    previousEnd = at + word.length;
    const hump = sameLength && name.charCodeAt(at) !== folded.charCodeAt(at); // upper case: a camelCase word starts
    if (at > 0 && isWordChar(folded, at - 1) && !hump) {
      score += 1;
      continue;
    }
    score += isWordChar(folded, at + word.length) ? 3 : 4;
  }
  const letters = letterCount(folded);
  if (letters > 0) score += 2 * Math.min(1, covered / letters);
  return score + 0.5 * Math.log1p(sources);
}

function pageSizeOf(q: { pageSize: number }): number {
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(q.pageSize)));
}

export class IndexStore {
  private readonly s;
  private readonly cached = new Map<string, ReturnType<Db['prepare']>>();
  private lastDecay: number | undefined;
  private readonly sessions = new PeerSessionCache();
  /** Sizes a source's piece list proved (fid → size): they win over any count of claims. */
  private readonly provenSizes = new Map<number, number>();
  /** Files whose sources claim more than one size, met by refreshSummary since the last drain. */
  private conflicts = new Set<number>();
  private delta = { files: 0, available: 0, bytes: 0 };

  constructor(private readonly db: Db) {
    // SQLite's default page cache is 2 MB; an index of a million files has ~100 MB of hot pages
    // (lookups by file key, the full-text doclists). A bigger cache for this connection is what
    // keeps registrations and searches off the OS page cache.
    const cache = db.pragma('cache_size', { simple: true }) as number; // < 0: KiB, > 0: pages
    const cacheKib = cache < 0 ? -cache : (cache * (db.pragma('page_size', { simple: true }) as number)) / 1024;
    if (cacheKib < INDEX_CACHE_KIB) db.pragma(`cache_size = -${INDEX_CACHE_KIB}`);
    const score = sourceScoreSql('p');
    this.s = {
      peer: db.prepare<[string], RawPeer>('SELECT * FROM index_peers WHERE peer_id = ?'),
      peerRef: db.prepare<[string], PeerRef>('SELECT id, status FROM index_peers WHERE peer_id = ?'),
      session: db.prepare<[string], { id: number; session_hash: string | null; status: PeerStatus }>('SELECT id, session_hash, status FROM index_peers WHERE peer_id = ?'),
      upsertPeer: db.prepare(`INSERT INTO index_peers (peer_id, name, address, port, session_hash, status, registered_at, last_seen,
          source_address, address_key, source_key, first_seen)
        VALUES (@peerId, @name, @address, @port, @sessionHash, 'online', @now, @now, @sourceAddress, @addressKey, @sourceKey, @now)
        ON CONFLICT(peer_id) DO UPDATE SET name = excluded.name, address = excluded.address, port = excluded.port,
          session_hash = excluded.session_hash, status = 'online', registered_at = excluded.registered_at, last_seen = excluded.last_seen,
          source_address = excluded.source_address, address_key = excluded.address_key, source_key = excluded.source_key`),
      filesAtKey: db.prepare<{ key: string }, { n: number | null }>('SELECT sum(file_count) AS n FROM index_peers WHERE address_key = @key OR source_key = @key'),
      peersAtKey: db.prepare<{ key: string }, { n: number }>('SELECT count(*) AS n FROM index_peers WHERE address_key = @key OR source_key = @key'),
      peerKeys: db.prepare<[string], { address_key: string; source_key: string; first_seen: number; reputation: number; status: PeerStatus; file_count: number }>(
        'SELECT address_key, source_key, first_seen, reputation, status, file_count FROM index_peers WHERE peer_id = ?'),
      setStatus: db.prepare('UPDATE index_peers SET status = ? WHERE id = ?'),
      // The reputation first: it reads the last_seen this statement replaces (SQLite evaluates
      // every expression of an UPDATE against the old row).
      touchOnline: db.prepare(`UPDATE index_peers SET reputation = min(${REPUTATION_MAX}, max(${REPUTATION_MIN}, reputation + @delta * iif(@over > 0, min(1.0, max(0.0, (@now - last_seen) * 1.0 / @over)), 1.0))), last_seen = @now,
          active_uploads = coalesce(@activeUploads, active_uploads), free_upload_slots = coalesce(@freeUploadSlots, free_upload_slots)
        WHERE peer_id = @peerId AND status = 'online'`),
      touch: db.prepare(`UPDATE index_peers SET reputation = min(${REPUTATION_MAX}, max(${REPUTATION_MIN}, reputation + @delta * iif(@over > 0, min(1.0, max(0.0, (@now - last_seen) * 1.0 / @over)), 1.0))), last_seen = @now,
          active_uploads = coalesce(@activeUploads, active_uploads), free_upload_slots = coalesce(@freeUploadSlots, free_upload_slots)
        WHERE id = @id`),
      forgetSession: db.prepare('UPDATE index_peers SET session_hash = NULL WHERE id = ?'),
      forgetSessions: db.prepare('UPDATE index_peers SET session_hash = NULL'),
      allOffline: db.prepare("UPDATE index_peers SET status = 'offline' WHERE status = 'online'"),
      noneAvailableChunk: db.prepare<[number]>(`UPDATE index_files SET online_sources = 0
        WHERE fid IN (SELECT fid FROM index_files WHERE online_sources > 0 LIMIT ?)`),
      resetAvailable: db.prepare('UPDATE index_totals SET available = 0, available_bytes = 0 WHERE id = 1'),
      setFileCount: db.prepare('UPDATE index_peers SET file_count = (SELECT count(*) FROM index_locations WHERE peer = @id) WHERE id = @id'),
      deletePeer: db.prepare('DELETE FROM index_peers WHERE id = ?'),
      silent: db.prepare<[number], { peer_id: string }>("SELECT peer_id FROM index_peers WHERE status = 'online' AND last_seen < ? ORDER BY last_seen"),
      offlineSince: db.prepare<[number], { peer_id: string }>("SELECT peer_id FROM index_peers WHERE status = 'offline' AND last_seen < ? ORDER BY last_seen"),
      adjust: db.prepare(`UPDATE index_peers SET reputation = min(${REPUTATION_MAX}, max(${REPUTATION_MIN}, reputation + @delta)),
          failures_recent = failures_recent + @failure, transfers_ok = transfers_ok + @ok, transfers_failed = transfers_failed + @failed,
          bytes_served = bytes_served + @bytes
        WHERE peer_id = @peerId`),
      reportSeen: db.prepare<{ reporter: string; subject: string; fileId: string; downloadId: string }, { one: number }>(
        'SELECT 1 AS one FROM index_reports WHERE reporter = @reporter AND subject = @subject AND file_id = @fileId AND download_id = @downloadId'),
      pairEffect: db.prepare<{ reporter: string; subject: string; since: number }, { moved: number | null }>(
        'SELECT sum(abs(effect)) AS moved FROM index_reports WHERE reporter = @reporter AND subject = @subject AND at >= @since'),
      addReport: db.prepare('INSERT OR IGNORE INTO index_reports (reporter, subject, file_id, download_id, at, effect) VALUES (@reporter, @subject, @fileId, @downloadId, @at, @effect)'),
      forgetReports: db.prepare('DELETE FROM index_reports WHERE at < ?'),
      reportCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM index_reports'),
      reportAtRank: db.prepare<[number], { at: number }>('SELECT at FROM index_reports ORDER BY at LIMIT 1 OFFSET ?'),
      setReputation: db.prepare(`UPDATE index_peers SET reputation = min(${REPUTATION_MAX}, max(${REPUTATION_MIN}, ?)) WHERE peer_id = ?`),
      decay: db.prepare(`UPDATE index_peers SET reputation = @neutral + (reputation - @neutral) * @keep, failures_recent = failures_recent * @keepFailures
        WHERE reputation <> @neutral OR failures_recent > 0`),
      listPeers: db.prepare<{ status: string | null; limit: number; offset: number }, RawPeer>(`SELECT * FROM index_peers
        WHERE @status IS NULL OR status = @status ORDER BY status = 'online' DESC, id LIMIT @limit OFFSET @offset`),
      countPeers: db.prepare<{ status: string | null }, { n: number }>('SELECT count(*) AS n FROM index_peers WHERE @status IS NULL OR status = @status'),
      peerCounts: db.prepare<[], { total: number; online: number | null }>("SELECT count(*) AS total, sum(status = 'online') AS online FROM index_peers"),
      totals: db.prepare<[], { files: number; available: number; available_bytes: number }>('SELECT files, available, available_bytes FROM index_totals WHERE id = 1'),
      addTotals: db.prepare('UPDATE index_totals SET files = files + ?, available = available + ?, available_bytes = available_bytes + ? WHERE id = 1'),
      setTotals: db.prepare('UPDATE index_totals SET files = ?, available = ?, available_bytes = ? WHERE id = 1'),
      recount: db.prepare<[], { files: number; available: number; available_bytes: number }>(`SELECT count(*) AS files,
        coalesce(sum(online_sources > 0), 0) AS available, coalesce(sum(iif(online_sources > 0, size, 0)), 0) AS available_bytes FROM index_files`),
      fidRange: db.prepare<[], { hi: number | null; lo: number | null }>('SELECT (SELECT max(fid) FROM index_files) AS hi, (SELECT min(fid) FROM index_files) AS lo'),

      fileByFileId: db.prepare<[number, string], Summary>('SELECT fid, category, size, mime, names, tags, folders, online_sources FROM index_files WHERE file_key = ? AND file_id = ?'),
      fidOf: db.prepare<[number, string], { fid: number }>('SELECT fid FROM index_files WHERE file_key = ? AND file_id = ?'),
      summary: db.prepare<[number], Summary>('SELECT fid, category, size, mime, names, tags, folders, online_sources FROM index_files WHERE fid = ?'),
      setClaim: db.prepare('UPDATE index_files SET size = ?, mime = ?, category = ?, online_sources = ? WHERE fid = ?'),
      filesIn: db.prepare<[string], RawFile>(`SELECT fid, file_id, size, mime, category, piece_size, first_seen, online_sources, names, tags, folders
        FROM index_files WHERE fid IN (SELECT value FROM json_each(?))`),
      insertFile: db.prepare(`INSERT INTO index_files (file_id, file_key, size, mime, category, piece_size, ext, first_seen, online_sources, names, tags, folders)
        VALUES (@id, @key, @size, @mime, @category, @pieceSize, @ext, @now, @online, @names, @tags, @folders)`),
      setSummary: db.prepare('UPDATE index_files SET names = ?, tags = ?, folders = ?, ext = ? WHERE fid = ?'),
      deleteFile: db.prepare<[number], { online_sources: number; size: number }>('DELETE FROM index_files WHERE fid = ? RETURNING online_sources, size'),
      bump: db.prepare<[number, number], { online_sources: number; size: number }>(
        'UPDATE index_files SET online_sources = online_sources + ? WHERE fid = ? RETURNING online_sources, size'),
      // A peer's files it claims the file's size of (the others' it is no source of; see refreshSummary).
      bumpPeer: db.prepare<{ by: number; peer: number }, { online_sources: number; size: number }>(`UPDATE index_files SET online_sources = online_sources + @by
        WHERE fid IN (SELECT fid FROM index_locations WHERE peer = @peer)
          AND size = (SELECT l.size FROM index_locations l WHERE l.fid = index_files.fid AND l.peer = @peer) RETURNING online_sources, size`),
      ftsInsert: db.prepare('INSERT INTO index_fts (rowid, name, tags, meta) VALUES (?, ?, ?, ?)'),
      ftsReplace: db.prepare('INSERT OR REPLACE INTO index_fts (rowid, name, tags, meta) VALUES (?, ?, ?, ?)'),
      ftsDelete: db.prepare('DELETE FROM index_fts WHERE rowid = ?'),

      location: db.prepare<[number, number], { name: string; tags: string; folder: string; size: number; mime: string; category: string }>(
        'SELECT name, tags, folder, size, mime, category FROM index_locations WHERE fid = ? AND peer = ?'),
      insertLocation: db.prepare('INSERT INTO index_locations (fid, peer, name, tags, folder, size, mime, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      updateLocation: db.prepare('UPDATE index_locations SET name = ?, tags = ?, folder = ?, size = ?, mime = ?, category = ? WHERE fid = ? AND peer = ?'),
      otherClaim: db.prepare<[number, string, number, string, string], { one: number }>(
        'SELECT 1 AS one FROM index_locations WHERE fid = ? AND (name <> ? OR size <> ? OR mime <> ? OR category <> ?) LIMIT 1'),
      claimsOf: db.prepare<[number], Claim>(`SELECT l.name, l.tags, l.folder, l.size, l.mime, l.category, p.reputation, p.status
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = ? LIMIT ${CLAIM_SAMPLE}`),
      onlineClaims: db.prepare<[number], { size: number; address: string; port: number }>(`SELECT l.size, p.address, p.port
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = ? AND p.status = 'online' LIMIT ${CLAIM_SAMPLE}`),
      onlineClaiming: db.prepare<[number, number], { n: number }>(`SELECT count(*) AS n
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = ? AND l.size = ? AND p.status = 'online'`),
      deleteLocation: db.prepare('DELETE FROM index_locations WHERE fid = ? AND peer = ?'),
      anyLocation: db.prepare<[number], { one: number }>('SELECT 1 AS one FROM index_locations WHERE fid = ? LIMIT 1'),
      sameLocation: db.prepare<[number, string, string, string], { one: number }>(
        'SELECT 1 AS one FROM index_locations WHERE fid = ? AND name = ? AND tags = ? AND folder = ? LIMIT 1'),
      peerLocations: db.prepare<[number], { fid: number; file_id: string }>(`SELECT l.fid, f.file_id FROM index_locations l
        JOIN index_files f ON f.fid = l.fid WHERE l.peer = ?`),

      resultSources: db.prepare<{ fid: number; size: number }, RawSource>(`SELECT * FROM (
          SELECT p.id, p.peer_id, p.name, p.address, p.port, p.reputation, p.active_uploads, p.free_upload_slots, ${score} AS score
          FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = @fid AND l.size = @size AND p.status = 'online' LIMIT ${SOURCE_SAMPLE}
        ) ORDER BY score DESC, id LIMIT ${SOURCES_PER_RESULT}`),
      sourcesIn: db.prepare<[string], RankedSource>(`SELECT l.fid, p.id AS "order", p.peer_id, p.name, p.address, p.port, p.reputation,
          p.active_uploads, p.free_upload_slots, p.active_uploads AS activeUploads, p.free_upload_slots AS freeUploadSlots,
          p.failures_recent AS failuresRecent
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer
        WHERE l.fid IN (SELECT value FROM json_each(?)) AND p.status = 'online'
          AND l.size = (SELECT f.size FROM index_files f WHERE f.fid = l.fid)`),
      allSources: db.prepare<{ fid: number; size: number; limit: number; offset: number }, RawSource>(`SELECT p.peer_id, p.name, p.address, p.port, p.reputation, p.active_uploads, p.free_upload_slots
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = @fid AND l.size = @size AND p.status = 'online'
        ORDER BY ${score} DESC, p.id LIMIT @limit OFFSET @offset`),
    };
  }

  // ---- peers --------------------------------------------------------------------------------

  getPeer(peerId: string): IndexPeer | undefined {
    const row = this.s.peer.get(peerId);
    return row && toPeer(row);
  }

  /** The stored session of a peer (hash of its token; null when it must register again). */
  getPeerSession(peerId: string): Pick<PeerSession, 'sessionHash' | 'status'> | undefined {
    const load = () => {
      const row = this.s.session.get(peerId);
      return row && { id: row.id, sessionHash: row.session_hash, status: row.status };
    };
    // What a transaction reads may yet be rolled back: kept only when read outside one.
    const session = this.sessions.get(peerId, load, !this.db.inTransaction);
    return session && { sessionHash: session.sessionHash, status: session.status };
  }

  /** Peers registered (online or offline) whose claimed or observed address counts under `key` (address-keys.ts). */
  peersAtAddress(key: string): number {
    return this.s.peersAtKey.get({ key })?.n ?? 0;
  }

  /** The files listed by peers whose claimed or observed address counts under `key`. */
  filesAtAddress(key: string): number {
    return this.s.filesAtKey.get({ key })?.n ?? 0;
  }

  /** What the index weighs a peer's reports and limits by: its address keys, when it was first registered, its standing. */
  peerStanding(peerId: string): PeerStanding | undefined {
    const row = this.s.peerKeys.get(peerId);
    return row && { addressKey: row.address_key, sourceKey: row.source_key, firstSeen: row.first_seen, reputation: row.reputation, status: row.status, fileCount: row.file_count };
  }

  /** Creates or refreshes a peer, online, with a new session; a known peer keeps its reputation and files. Returns its rowid. */
  upsertPeer(r: PeerRegistration): number {
    return this.write(() => this.upsertPeerRow(r).id);
  }

  /**
   * A registration: upsertPeer, then the peer's files become exactly `files`. Returns the ids
   * new to the index and the ids gone from it entirely.
   */
  registerPeer(r: PeerRegistration & { files: readonly IndexedFile[] }): { rowid: number; added: string[]; removed: string[] } {
    return this.write(() => {
      const peer = this.upsertPeerRow(r);
      return { rowid: peer.id, ...this.replaceFiles(peer, r.files, r.now) };
    });
  }

  /**
   * Keeps a peer online: last seen now, its load, a reputation change. A peer that had gone
   * offline (silent) comes back online with its files. False when the peer is unknown.
   */
  touchPeer(peerId: string, now: number, load: PeerLoad = {}): boolean {
    const values = {
      now, activeUploads: load.activeUploads ?? null, freeUploadSlots: load.freeUploadSlots ?? null, delta: load.reputationDelta ?? 0,
      over: load.earnedOverMs ?? 0,
    };
    // The heartbeat of an online peer, the common case: one statement, no transaction.
    if (this.s.touchOnline.run({ ...values, peerId }).changes > 0) return true;
    return this.write(() => {
      const peer = this.s.peerRef.get(peerId);
      if (!peer) return false;
      if (peer.status === 'offline') this.setStatus(peer, 'online');
      this.s.touch.run({ ...values, id: peer.id });
      return true;
    });
  }

  /**
   * Many heartbeats of online peers in one transaction (heartbeat-buffer.ts). A peer that went
   * offline or was removed meanwhile is left alone: a late heartbeat never brings it back.
   */
  touchOnlinePeers(beats: Iterable<[string, { now: number; activeUploads: number; freeUploadSlots: number; reputationDelta: number; earnedOverMs?: number }]>): void {
    this.db.transaction(() => {
      for (const [peerId, b] of beats) {
        this.s.touchOnline.run({ peerId, now: b.now, activeUploads: b.activeUploads, freeUploadSlots: b.freeUploadSlots, delta: b.reputationDelta, over: b.earnedOverMs ?? 0 });
      }
    })();
  }

  /** touchPeer under the name of what it does to an offline peer. */
  setPeerOnline(peerId: string, now: number, load: PeerLoad = {}): boolean {
    return this.touchPeer(peerId, now, load);
  }

  /** Marks peers offline (their files stop counting as available). Returns those that were online. */
  markOffline(peerIds: readonly string[], options: { forgetSession?: boolean } = {}): string[] {
    return this.write(() => {
      const changed: string[] = [];
      for (const peerId of peerIds) {
        const peer = this.s.peerRef.get(peerId);
        if (!peer) continue;
        if (options.forgetSession) {
          this.s.forgetSession.run(peer.id);
          this.sessions.forgetPeer(peerId);
        }
        if (peer.status !== 'online') continue;
        this.setStatus(peer, 'offline');
        changed.push(peerId);
      }
      return changed;
    });
  }

  /**
   * Every peer offline (the index starts: nobody has heartbeated this one yet). Resetting the
   * online sources of a million files takes seconds, so it runs in chunks of `chunkRows` (found
   * through the index on online_sources), yielding to the event loop between them. The totals say
   * "nothing available" from the first chunk on. Nothing else may write meanwhile: the index
   * serves only once this is done.
   */
  async markAllOffline(chunkRows = 20_000): Promise<void> {
    this.sessions.forgetAll();
    this.write(() => {
      this.s.allOffline.run();
      this.s.resetAvailable.run();
    });
    while (this.s.noneAvailableChunk.run(chunkRows).changes >= chunkRows) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Voids every session: peers must register again (after an index restart). */
  forgetSessions(): void {
    this.s.forgetSessions.run();
    this.sessions.forgetAll();
  }

  /** Online peers not seen since before `cutoffMs`. */
  peersSilentSince(cutoffMs: number): string[] {
    return this.s.silent.all(cutoffMs).map((r) => r.peer_id);
  }

  /** Removes the peers offline and not seen since before `cutoffMs`, with their files. */
  removePeersOfflineSince(cutoffMs: number): { peerId: string; removedFileIds: string[] }[] {
    return this.write(() => this.s.offlineSince.all(cutoffMs).map(({ peer_id }) => ({
      peerId: peer_id, removedFileIds: this.deletePeer(peer_id) ?? [],
    })));
  }

  /** Forgets a peer and its locations. Returns the file ids gone from the index; undefined for an unknown peer. */
  removePeer(peerId: string): string[] | undefined {
    return this.write(() => this.deletePeer(peerId));
  }

  listPeers(q: { offset: number; limit: number; status?: PeerStatus | undefined }): { items: IndexPeer[]; total: number } {
    const status = q.status ?? null;
    const items = this.s.listPeers.all({ status, limit: q.limit, offset: q.offset }).map(toPeer);
    return { items, total: this.s.countPeers.get({ status })?.n ?? 0 };
  }

  /**
   * A downloader's report on a source: `delta` to its reputation (bounded), a failure (counts
   * against it in source ranking, fading), bytes it served.
   */
  adjustReputation(peerId: string, delta: number, report: { failure?: boolean; bytes?: number; failureWeight?: number } = {}): void {
    this.s.adjust.run({
      peerId, delta, failure: report.failure ? (report.failureWeight ?? 1) : 0, failed: report.failure ? 1 : 0, ok: report.failure ? 0 : 1, bytes: report.bytes ?? 0,
    });
  }

  /** Whether a report on (reporter, subject, file, download) has counted already (kept a day, see forgetReportsBefore). */
  reportCounted(r: { reporter: string; subject: string; fileId: string; downloadId: string }): boolean {
    return this.s.reportSeen.get(r) !== undefined;
  }

  /** How far one reporter's counted reports moved one subject since `since` (points, either way). */
  reporterEffectOn(reporter: string, subject: string, since: number): number {
    return this.s.pairEffect.get({ reporter, subject, since })?.moved ?? 0;
  }

  /** Remembers a report that counted, and what it moved. */
  recordReport(r: { reporter: string; subject: string; fileId: string; downloadId: string; at: number; effect: number }): void {
    this.s.addReport.run(r);
  }

  /**
   * Forgets reports older than `cutoff` (the sweep, at most once a minute), and the oldest beyond
   * MAX_REPORT_ROWS: the table stays under about 150 MB however many peers report. Forgetting a
   * report early only loosens the cap on what its reporter may still move, and only in a flood.
   */
  forgetReportsBefore(cutoff: number, maxRows = MAX_REPORT_ROWS): void {
    this.s.forgetReports.run(cutoff);
    const excess = (this.s.reportCount.get()?.n ?? 0) - maxRows;
    if (excess <= 0) return;
    const at = this.s.reportAtRank.get(excess)?.at;
    if (at !== undefined) this.s.forgetReports.run(at);
  }

  setReputation(peerId: string, value: number): void {
    this.s.setReputation.run(value, peerId);
  }

  /**
   * Lets reputations drift toward neutral and failures fade (reputation.ts), for the time since
   * the last call; at most once a minute, the first call only starts the clock.
   */
  decayReputations(now: number): void {
    if (this.lastDecay === undefined || now < this.lastDecay) {
      this.lastDecay = now;
      return;
    }
    const elapsed = now - this.lastDecay;
    if (elapsed < DECAY_EVERY_MS) return;
    this.lastDecay = now;
    const span = REPUTATION_MAX - REPUTATION_NEUTRAL;
    this.s.decay.run({
      neutral: REPUTATION_NEUTRAL,
      keep: (decayReputation(REPUTATION_MAX, elapsed) - REPUTATION_NEUTRAL) / span,
      keepFailures: Math.pow(0.5, elapsed / FAILURE_HALF_LIFE_MS),
    });
  }

  // ---- files ----------------------------------------------------------------------------------

  /**
   * The peer's files become exactly `files` (a full list, on registration). Returns the ids new
   * to the index and those gone from it entirely. Unknown peer: nothing changes.
   */
  replacePeerFiles(peerId: string, files: readonly IndexedFile[], now = Date.now()): { added: string[]; removed: string[] } {
    return this.write(() => {
      const peer = this.s.peerRef.get(peerId);
      return peer ? this.replaceFiles(peer, files, now) : { added: [], removed: [] };
    });
  }

  /** Adds (or updates the name and tags of) some of a peer's files; idempotent. Returns the ids new to the index. */
  addPeerFiles(peerId: string, files: readonly IndexedFile[], now = Date.now()): string[] {
    if (files.length === 0) return [];
    return this.write(() => {
      const peer = this.s.peerRef.get(peerId);
      if (!peer) return [];
      const added = files.filter((file) => this.putLocation(peer, file, now)).map((f) => f.id);
      this.s.setFileCount.run({ id: peer.id });
      return added;
    });
  }

  /** Removes some of a peer's files; idempotent. Returns the ids gone from the index entirely. */
  removePeerFiles(peerId: string, fileIds: readonly string[]): string[] {
    if (fileIds.length === 0) return [];
    return this.write(() => {
      const peer = this.s.peerRef.get(peerId);
      if (!peer) return [];
      const removed: string[] = [];
      for (const fileId of new Set(fileIds)) {
        const fid = this.fidOf(fileId)?.fid;
        if (fid !== undefined && this.removeLocation(peer, fid)) removed.push(fileId);
      }
      this.s.setFileCount.run({ id: peer.id });
      return removed;
    });
  }

  /**
   * The number of files `peerId` would list after adding `added` and removing `removed` (ids).
   * Counted exactly only when the simple bound (its count plus every added id) passes `max`.
   */
  fileCountAfter(peerId: string, added: readonly string[], removed: readonly string[], max: number): number {
    const peer = this.s.peer.get(peerId);
    if (!peer) return 0;
    const current = peer.file_count;
    if (current + added.length <= max) return current + added.length;
    const has = (fileId: string) => {
      const fid = this.fidOf(fileId)?.fid;
      return fid !== undefined && this.s.location.get(fid, peer.id) !== undefined;
    };
    const gone = new Set(removed.filter(has));
    let count = current - gone.size;
    for (const fileId of new Set(added)) if (gone.has(fileId) || !has(fileId)) count++;
    return count;
  }

  /** The ids of files whose sources claim more than one size (none proven yet), met since the last call. */
  drainSizeConflicts(): string[] {
    const fids = [...this.conflicts];
    this.conflicts = new Set();
    if (fids.length === 0) return [];
    return this.s.filesIn.all(JSON.stringify(fids)).map((f) => f.file_id);
  }

  /** Each size claimed for `fileId`, with the download addresses of up to `perSize` online sources claiming it. */
  sizeClaims(fileId: string, perSize = 2): { size: number; urls: string[] }[] {
    const fid = this.fidOf(fileId)?.fid;
    if (fid === undefined) return [];
    const bySize = new Map<number, string[]>();
    for (const r of this.s.onlineClaims.all(fid)) {
      const urls = bySize.get(r.size) ?? [];
      if (urls.length < perSize) urls.push(sourceDownloadUrl(r.address, r.port, fileId));
      bySize.set(r.size, urls);
    }
    return [...bySize].map(([size, urls]) => ({ size, urls }));
  }

  /**
   * A source's piece list proved `size` to be `fileId`'s: it is the file's size from now on,
   * whatever most sources claim (kept while the file is indexed, for at most MAX_PROVEN_SIZES files).
   */
  proveSize(fileId: string, size: number): void {
    const fid = this.fidOf(fileId)?.fid;
    if (fid === undefined) return;
    this.provenSizes.delete(fid);
    this.provenSizes.set(fid, size);
    if (this.provenSizes.size > MAX_PROVEN_SIZES) this.provenSizes.delete(this.provenSizes.keys().next().value as number);
    this.write(() => this.refreshSummary(fid));
  }

  private fidOf(fileId: string): { fid: number } | undefined {
    return this.s.fidOf.get(fileKey(fileId), fileId);
  }

  hasFile(fileId: string): boolean {
    return this.fidOf(fileId) !== undefined;
  }

  /** A file's online sources, best first (source-ranking.ts); all of them are considered. */
  sourcesOf(fileId: string, limit = SOURCES_PER_RESULT, offset = 0): IndexSource[] {
    const file = this.s.fileByFileId.get(fileKey(fileId), fileId);
    if (!file) return [];
    return this.s.allSources.all({ fid: file.fid, size: file.size, limit, offset }).map(toSource(fileId));
  }

  /** One file as a search result, with up to `sourceLimit` online sources instead of a result's few. */
  getFile(fileId: string, sourceLimit = 200): SearchResult | undefined {
    const fid = this.fidOf(fileId)?.fid;
    if (fid === undefined) return undefined;
    const [result] = this.resultsOf([fid]);
    return result && { ...result, sources: this.sourcesOf(fileId, sourceLimit) };
  }

  counts(): IndexCounts {
    const peers = this.s.peerCounts.get();
    const totals = this.s.totals.get();
    return {
      peersOnline: peers?.online ?? 0, peersTotal: peers?.total ?? 0,
      uniqueFiles: totals?.files ?? 0, availableFiles: totals?.available ?? 0, availableBytes: totals?.available_bytes ?? 0,
    };
  }

  /** The totals counted from the tables (a full scan: for tests and repairs); `fix` stores them. */
  recountTotals(fix = false): { files: number; available: number; availableBytes: number } {
    const counted = this.s.recount.get() ?? { files: 0, available: 0, available_bytes: 0 };
    if (fix) this.s.setTotals.run(counted.files, counted.available, counted.available_bytes);
    return { files: counted.files, available: counted.available, availableBytes: counted.available_bytes };
  }

  // ---- writing --------------------------------------------------------------------------------

  /**
   * Runs `fn` in one transaction and stores the totals it changed. Internals never open a
   * nested transaction: a savepoint makes FTS5 flush its pending inserts.
   */
  private write<T>(fn: () => T): T {
    const run = (): T => {
      try {
        return fn();
      } finally {
        this.flushTotals();
      }
    };
    return this.db.inTransaction ? run() : this.db.transaction(run)();
  }

  private flushTotals(): void {
    const d = this.delta;
    if (d.files !== 0 || d.available !== 0 || d.bytes !== 0) this.s.addTotals.run(d.files, d.available, d.bytes);
    this.delta = { files: 0, available: 0, bytes: 0 };
  }

  /** Adds `by` to a file's online sources and notes when it became (un)available. */
  private bumpSources(fid: number, by: 1 | -1): void {
    const row = this.s.bump.get(by, fid);
    if (row) this.noteAvailability(row, by);
  }

  private noteAvailability(row: { online_sources: number; size: number }, by: 1 | -1): void {
    if (by === 1 && row.online_sources === 1) {
      this.delta.available++;
      this.delta.bytes += row.size;
    } else if (by === -1 && row.online_sources === 0) {
      this.delta.available--;
      this.delta.bytes -= row.size;
    }
  }

  /** A peer's status change, with its files' online sources. */
  private setStatus(peer: PeerRef, status: PeerStatus): void {
    if (peer.status === status) return;
    this.s.setStatus.run(status, peer.id);
    this.sessions.forgetRow(peer.id);
    const by = status === 'online' ? 1 : -1;
    for (const row of this.s.bumpPeer.all({ by, peer: peer.id })) this.noteAvailability(row, by);
    peer.status = status;
  }

  private upsertPeerRow(r: PeerRegistration): PeerRef {
    this.sessions.forgetPeer(r.peerId); // a new session, and online
    const before = this.s.peerRef.get(r.peerId);
    const row = {
      peerId: r.peerId, name: r.name, address: r.address, port: r.port, sessionHash: r.sessionHash, now: r.now,
      sourceAddress: r.sourceAddress ?? r.address, addressKey: r.addressKey ?? r.address, sourceKey: r.sourceKey ?? r.sourceAddress ?? r.address,
    };
    if (before) {
      this.setStatus(before, 'online');
      this.s.upsertPeer.run(row);
      return before;
    }
    this.s.upsertPeer.run(row);
    return this.s.peerRef.get(r.peerId) as PeerRef;
  }

  private deletePeer(peerId: string): string[] | undefined {
    const peer = this.s.peerRef.get(peerId);
    if (!peer) return undefined;
    const removed: string[] = [];
    for (const { fid, file_id } of this.s.peerLocations.all(peer.id)) if (this.removeLocation(peer, fid)) removed.push(file_id);
    this.s.deletePeer.run(peer.id);
    this.sessions.forgetPeer(peerId);
    return removed;
  }

  private replaceFiles(peer: PeerRef, files: readonly IndexedFile[], now: number): { added: string[]; removed: string[] } {
    const before = new Map(this.s.peerLocations.all(peer.id).map((r) => [r.file_id, r.fid]));
    const added: string[] = [];
    const removed: string[] = [];
    for (const file of files) {
      if (this.putLocation(peer, file, now)) added.push(file.id);
      before.delete(file.id);
    }
    for (const [fileId, fid] of before) if (this.removeLocation(peer, fid)) removed.push(fileId);
    this.s.setFileCount.run({ id: peer.id });
    return { added, removed };
  }

  /**
   * Records that `peer` holds `file`. True when the file is new to the index.
   *
   * What a source says besides the id is its claim: the id commits to the size, but the index
   * cannot check it without the bytes; the name and type are whatever the source calls it. The
   * file row shows the claim most of its sources make (refreshSummary), and only sources that
   * claim the file's size are listed as its sources: a download proves piece lists against the id
   * and that size, so a source claiming another is of no use to it.
   */
  private putLocation(peer: PeerRef, file: IndexedFile, now: number): boolean {
    const tags = cleanTags(file.tags);
    const tagsJson = JSON.stringify(tags);
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
      this.delta.files++;
      if (online) {
        this.delta.available++;
        this.delta.bytes += file.size;
      }
      this.s.insertLocation.run(fid, peer.id, file.name, tagsJson, folder, file.size, file.mime, file.category);
      const row = ftsRow(file.category, file.size, { names, tags: tags.slice(0, MAX_TAGS_PER_FILE), folders });
      this.s.ftsInsert.run(fid, row.name, row.tags, row.meta);
      return true;
    }
    const existing = this.s.location.get(known.fid, peer.id);
    if (existing) {
      if (existing.name === file.name && existing.tags === tagsJson && existing.folder === folder
        && existing.size === file.size && existing.mime === file.mime && existing.category === file.category) return false;
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
    if (peer.status === 'online') this.bumpSources(known.fid, 1);
    // The summary grows when this source brings a new name, tag or folder (a new name has one
    // source: it goes last, after names as many sources give).
    const allTags = JSON.parse(known.tags) as string[];
    const folders = JSON.parse(known.folders) as string[];
    const newName = !names.includes(file.name) && names.length < MAX_NAMES_PER_FILE;
    const newTags = tags.filter((t) => !allTags.includes(t)).slice(0, Math.max(0, MAX_TAGS_PER_FILE - allTags.length));
    const newFolder = folder !== '' && !folders.includes(folder) && folders.length < MAX_FOLDERS_PER_FILE;
    if (newName || newTags.length > 0 || newFolder) {
      this.writeSummary(known, {
        names: newName ? [...names, file.name] : names, tags: [...allTags, ...newTags], folders: newFolder ? [...folders, folder] : folders,
      });
    }
    return false;
  }

  /** Forgets that `peer` holds file `fid`. True when the file is now gone from the index. */
  private removeLocation(peer: PeerRef, fid: number): boolean {
    const existing = this.s.location.get(fid, peer.id);
    if (!existing) return false;
    this.s.deleteLocation.run(fid, peer.id);
    const known = this.s.summary.get(fid);
    if (!this.s.anyLocation.get(fid)) {
      const gone = this.s.deleteFile.get(fid);
      if (gone) {
        this.delta.files--;
        if (gone.online_sources > 0) {
          this.delta.available--;
          this.delta.bytes -= gone.size;
        }
      }
      this.s.ftsDelete.run(fid);
      this.provenSizes.delete(fid);
      return true;
    }
    const sameClaim = known !== undefined && existing.size === known.size && existing.mime === known.mime && existing.category === known.category;
    if (sameClaim && peer.status === 'online') this.bumpSources(fid, -1);
    // Every other source agrees with this one (the common case), and one has the same tags and
    // folder: the summary is unchanged. Otherwise the majority may have changed.
    if (!sameClaim || this.s.otherClaim.get(fid, existing.name, existing.size, existing.mime, existing.category)
      || !this.s.sameLocation.get(fid, existing.name, existing.tags, existing.folder)) this.refreshSummary(fid);
    return false;
  }

  /**
   * Recomputes a file's claims from its sources (at most CLAIM_SAMPLE of them) and rewrites what
   * changed. The size is the one most sources claim (a tie: the one whose sources have the most
   * reputation, then the one shown so far); the type is the one most of those sources claim; the
   * names, tags and folders are theirs, names by how many sources give each (then as before).
   * Sources claiming another size are no sources of this file (online_sources counts the others).
   */
  private refreshSummary(fid: number): void {
    const known = this.s.summary.get(fid);
    if (!known) return;
    const claims = this.s.claimsOf.all(fid);
    if (claims.length === 0) return;
    const proven = this.provenSizes.get(fid);
    const size = proven !== undefined && claims.some((c) => c.size === proven) ? proven : majority(claims, (c) => c.size, known.size);
    if (proven === undefined && claims.some((c) => c.size !== claims[0]?.size)) this.conflicts.add(fid);
    const agreeing = claims.filter((c) => c.size === size);
    const type = majority(agreeing, (c) => `${c.category}\u0000${c.mime}`, `${known.category}\u0000${known.mime}`);
    const [category, mime] = type.split('\u0000') as [Category, string];
    const online = claims.length < CLAIM_SAMPLE ? agreeing.filter((c) => c.status === 'online').length : this.s.onlineClaiming.get(fid, size)?.n ?? 0;
    const counts = new Map<string, number>();
    for (const c of agreeing) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    const before = JSON.parse(known.names) as string[];
    const rank = (n: string) => { const i = before.indexOf(n); return i < 0 ? before.length : i; };
    const names = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || rank(a) - rank(b)).slice(0, MAX_NAMES_PER_FILE);
    const tags = keepPresent(known.tags, agreeing.flatMap((l) => JSON.parse(l.tags) as string[]), MAX_TAGS_PER_FILE);
    const folders = keepPresent(known.folders, agreeing.map((l) => l.folder).filter((f) => f !== ''), MAX_FOLDERS_PER_FILE);
    const claimChanged = size !== known.size || mime !== known.mime || category !== known.category || online !== known.online_sources;
    if (claimChanged) {
      if (known.online_sources > 0) {
        this.delta.available--;
        this.delta.bytes -= known.size;
      }
      if (online > 0) {
        this.delta.available++;
        this.delta.bytes += size;
      }
      this.s.setClaim.run(size, mime, category, online, fid);
    }
    if (claimChanged || JSON.stringify(names) !== known.names || JSON.stringify(tags) !== known.tags || JSON.stringify(folders) !== known.folders) {
      this.writeSummary({ ...known, size, mime, category }, { names, tags, folders });
    }
  }

  private writeSummary(known: Summary, text: FileText): void {
    const { names, tags, folders } = text;
    this.s.setSummary.run(JSON.stringify(names), JSON.stringify(tags), JSON.stringify(folders), extensionOf(names[0] ?? ''), known.fid);
    const row = ftsRow(known.category, known.size, text);
    this.s.ftsReplace.run(known.fid, row.name, row.tags, row.meta);
  }

  // ---- search -------------------------------------------------------------------------------

  /** Every indexed file, newest first (sources or not); or only those whose id starts with `idPrefix`. */
  listFiles(q: { offset: number; limit: number; idPrefix?: string | undefined }): IndexSearchResponse {
    const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, q.limit));
    if (q.idPrefix !== undefined) return this.filesWithIdPrefix(q.idPrefix, Math.max(0, q.offset), pageSize);
    return this.search({
      q: '', minSources: 0, sort: 'newest', page: Math.floor(Math.max(0, q.offset) / pageSize) + 1, pageSize,
    });
  }

  /** A range over the indexed 52-bit key, then the exact prefix: one index seek however big the index. */
  private filesWithIdPrefix(prefix: string, offset: number, pageSize: number): IndexSearchResponse {
    const started = performance.now();
    const head = prefix.slice(0, 13);
    const shift = 2 ** (4 * (13 - head.length));
    const low = parseInt(head, 16) * shift;
    const rows = this.db.prepare<[number, number, number, string], { fid: number }>(
      'SELECT fid FROM index_files WHERE file_key >= ? AND file_key < ? AND substr(file_id, 1, ?) = ? ORDER BY fid DESC LIMIT 1000',
    ).all(low, low + shift, prefix.length, prefix);
    const fids = rows.slice(offset, offset + pageSize).map((r) => r.fid);
    return {
      items: this.resultsOf(fids), total: rows.length, page: Math.floor(offset / pageSize) + 1, pageSize,
      totalIsEstimate: false, tookMs: round2(performance.now() - started),
    };
  }

  /**
   * Searches: the query language (search-query-parser.ts), filters, sort, paging (at most 200
   * a page). Results are grouped by file id, with their online sources best first and every
   * name they are known by.
   */
  search(query: SearchQuery): IndexSearchResponse {
    const started = performance.now();
    const pageSize = pageSizeOf(query);
    const page = Math.max(1, Math.floor(query.page));
    const offset = (page - 1) * pageSize;
    if (offset >= MAX_RESULT_DEPTH) {
      // Paging that deep would read every hit before it: not served (the first page gives the total).
      const first = this.search({ ...query, page: 1 });
      return { ...first, items: [], page, pageSize, tookMs: round2(performance.now() - started) };
    }
    const parsed = parseSearchQuery(query.q, { minPrefixLength: MIN_PREFIX });
    const match = this.matchExpression(parsed, query);
    const { fids, total, totalIsEstimate } = match === null
      ? { fids: [], total: 0, totalIsEstimate: false }
      : match === undefined
        ? this.browse(query, offset, pageSize)
        : this.fullText(match, parsed, query, offset, pageSize);
    const items = this.resultsOf(fids);
    return { items, total, page, pageSize, totalIsEstimate, tookMs: round2(performance.now() - started) };
  }

  /** The FTS5 expression of a query and its token filters; undefined: none; null: matches nothing. */
  private matchExpression(parsed: ParsedQuery, q: SearchQuery): string | undefined | null {
    if (q.minSize !== undefined && q.maxSize !== undefined && q.minSize > q.maxSize) return null;
    const { positive, negative } = toFtsParts(parsed, '{name tags}', chipAlternative);
    const all: string[] = positive ? [positive] : [];
    if (q.category) all.push(`meta : ${ftsString(`c${q.category}`)}`);
    if (q.ext) all.push(`meta : ${ftsString(`e${q.ext}`)}`);
    if (q.tag !== undefined) {
      const token = tagToken(q.tag);
      if (!token) return null;
      all.push(`meta : ${ftsString(token)}`);
    }
    // Only with another condition: a size range alone is browsed on index_files' size index.
    const sizes = sizeCondition(q.minSize, q.maxSize);
    if (sizes && all.length > 0) all.push(sizes);
    if (all.length === 0 && negative) all.push(ALL_ROWS);
    if (all.length === 0) return undefined;
    const base = all.join(' AND ');
    return negative ? `(${base}) NOT ${negative}` : base;
  }

  private fileFilters(q: SearchQuery): { sql: string[]; args: Record<string, number> } {
    const sql: string[] = [];
    const args: Record<string, number> = {};
    if (q.minSources > 0) { sql.push('f.online_sources >= @minSources'); args.minSources = q.minSources; }
    if (q.minSize !== undefined) { sql.push('f.size >= @minSize'); args.minSize = q.minSize; }
    if (q.maxSize !== undefined) { sql.push('f.size <= @maxSize'); args.maxSize = q.maxSize; }
    return { sql, args };
  }

  private prepared(sql: string) {
    let statement = this.cached.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.cached.size > 200) this.cached.clear();
      this.cached.set(sql, statement);
    }
    return statement;
  }

  /**
   * Full-text search. Hits are read newest first (rowid order, no ranking cost) and checked
   * against the size and sources filters, until the page is filled or SCAN_FACTOR × what it
   * needs has been read. When that reaches the end, every hit is known: the total is exact and
   * the ranking exact when they fit one window of RANK_WINDOW. Otherwise the query is broad:
   * hits are ranked within consecutive windows of RANK_WINDOW (quickRelevance for relevance) and
   * the total is estimated from the hit density met so far.
   */
  private fullText(match: string, parsed: ParsedQuery, q: SearchQuery, offset: number, limit: number): { fids: number[]; total: number; totalIsEstimate: boolean } {
    const filters = this.fileFilters(q);
    const hasText = parsed.required.length > 0;
    const ranked = q.sort !== 'newest' && (q.sort !== 'relevance' || hasText);
    const newestFirst = !(q.order === 'asc' && (q.sort === 'newest' || (q.sort === 'relevance' && !hasText)));
    const lastWindow = Math.floor((offset + limit - 1) / RANK_WINDOW);
    const need = ranked ? (lastWindow + 1) * RANK_WINDOW + 1 : offset + limit + 1;
    const scanCap = Math.max(need, SCAN_FACTOR * (ranked ? need : Math.max(need, RANK_WINDOW)));
    const ok = filters.sql.length > 0 ? filters.sql.join(' AND ') : '1';
    const dir = newestFirst ? 'DESC' : 'ASC';
    // The text hits in rowid order (FTS5 reads its doclists lazily, no ranking), at most scanCap
    // of them, checked against the file filters until `need` pass. The scanCap-th text hit comes
    // back even when it fails the filters: it tells that the scan was cut short. One pass.
    const rows = this.prepared(`SELECT f.fid AS fid, f.size AS size, f.online_sources AS sources, f.names AS names, ${ok} AS ok, h.n AS n
      FROM (SELECT rowid AS fid, row_number() OVER (ORDER BY rowid ${dir}) AS n FROM index_fts
            WHERE index_fts MATCH @match ORDER BY rowid ${dir} LIMIT @scanCap) h
      CROSS JOIN index_files f ON f.fid = h.fid
      WHERE (${ok}) OR h.n = @scanCap LIMIT @need`).all({ ...filters.args, match, scanCap, need }) as (Hit & { ok: number; n: number })[];
    const hits: Hit[] = rows.filter((r) => r.ok);
    const last = rows[rows.length - 1];
    const reached = last?.fid ?? 0;
    const complete = hits.length < need && last?.n !== scanCap;

    if (!ranked) {
      const fids = hits.slice(offset, offset + limit).map((h) => h.fid);
      return complete
        ? { fids, total: hits.length, totalIsEstimate: false }
        : { fids, total: this.estimate(hits.length, reached, newestFirst), totalIsEstimate: true };
    }
    if (complete && hits.length <= RANK_WINDOW) {
      // Every hit is known and they fit one window: an exact ranking.
      const ordered = this.sortHits(hits, q, parsed);
      return { fids: ordered.slice(offset, offset + limit).map((h) => h.fid), total: hits.length, totalIsEstimate: false };
    }
    // A broad query: ranked window by window (the same windows whatever the page, so pages never overlap).
    const first = Math.floor(offset / RANK_WINDOW) * RANK_WINDOW;
    const sorted: Hit[] = [];
    for (let w = first; w < hits.length && w <= lastWindow * RANK_WINDOW; w += RANK_WINDOW) sorted.push(...this.sortHits(hits.slice(w, w + RANK_WINDOW), q, parsed));
    const fids = sorted.slice(offset - first, offset - first + limit).map((h) => h.fid);
    return complete
      ? { fids, total: hits.length, totalIsEstimate: false }
      : { fids, total: this.estimate(hits.length, reached, newestFirst), totalIsEstimate: true };
  }

  /** Hits in the requested order (a new array); relevance by quickRelevance. */
  private sortHits(hits: Hit[], q: SearchQuery, parsed: ParsedQuery): Hit[] {
    const dir = q.order === 'asc' ? -1 : 1; // 1: best, biggest, most first
    switch (q.sort) {
      case 'newest':
        return hits;
      case 'size':
        return [...hits].sort((a, b) => dir * (b.size - a.size) || b.fid - a.fid);
      case 'sources':
        return [...hits].sort((a, b) => dir * (b.sources - a.sources) || b.fid - a.fid);
      case 'relevance': {
        const words = [...new Set(parsed.required.flat().flatMap((t) => wordsOf(fold(t.text))))];
        const scores = new Float64Array(hits.length);
        hits.forEach((h, i) => (scores[i] = quickRelevance(words, firstName(h.names), h.sources)));
        const order = hits.map((_, i) => i);
        order.sort((a, b) => {
          const x = hits[a] as Hit;
          const y = hits[b] as Hit;
          return dir * ((scores[b] ?? 0) - (scores[a] ?? 0)) || y.sources - x.sources || y.fid - x.fid;
        });
        return order.map((i) => hits[i] as Hit);
      }
    }
  }

  /**
   * The total of a query whose first `seen` hits reach down to (or up to) fid `reached`:
   * assumes the hit density met so far holds over the remaining fids.
   */
  private estimate(seen: number, reached: number, newestFirst: boolean): number {
    const { hi, lo } = this.s.fidRange.get() ?? { hi: null, lo: null };
    if (hi === null || lo === null) return seen;
    const covered = newestFirst ? hi - reached + 1 : reached - lo + 1;
    const span = hi - lo + 1;
    const estimate = covered > 0 ? (seen * span) / covered : seen;
    return Math.max(seen + 1, roundEstimate(estimate));
  }

  /** No text and no token filter: index_files alone, with its indexes (relevance = most sources). */
  private browse(q: SearchQuery, offset: number, limit: number): { fids: number[]; total: number; totalIsEstimate: boolean } {
    const filters = this.fileFilters(q);
    const where = filters.sql.length > 0 ? `WHERE ${filters.sql.join(' AND ')}` : '';
    const desc = q.order === 'asc' ? 'ASC' : 'DESC';
    const order = {
      newest: `f.fid ${desc}`,
      size: `f.size ${desc}, f.fid ${desc}`,
      sources: `f.online_sources ${desc}, f.fid ${desc}`,
      relevance: `f.online_sources ${desc}, f.fid ${desc}`,
    }[q.sort];
    const rows = this.prepared(`SELECT f.fid AS fid FROM index_files f ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...filters.args, limit, offset }) as { fid: number }[];
    const fids = rows.map((r) => r.fid);
    // Totals are kept for the two usual cases; otherwise count up to a cap and estimate beyond it.
    const totals = this.s.totals.get();
    if (q.minSize === undefined && q.maxSize === undefined && q.minSources <= 1 && totals) {
      return { fids, total: q.minSources === 0 ? totals.files : totals.available, totalIsEstimate: false };
    }
    const counted = this.prepared(`SELECT count(*) AS n, min(fid) AS reached FROM (
        SELECT f.fid AS fid FROM index_files f ${where} ORDER BY f.fid DESC LIMIT ${COUNT_CAP})`).get(filters.args) as { n: number; reached: number | null };
    if (counted.n < COUNT_CAP || counted.reached === null) return { fids, total: Math.max(counted.n, offset + fids.length), totalIsEstimate: false };
    return { fids, total: this.estimate(counted.n, counted.reached, true), totalIsEstimate: true };
  }

  /** The results of a page, in order: two batched reads (files, their online sources) instead of two per result. */
  private resultsOf(fids: readonly number[]): SearchResult[] {
    if (fids.length === 0) return [];
    const list = JSON.stringify(fids);
    const files = new Map(this.s.filesIn.all(list).map((f) => [f.fid, f]));
    const sources = new Map<number, RankedSource[]>();
    // Files with a huge number of sources get the best of a sample, one by one (see SOURCE_SAMPLE).
    const crowded = fids.filter((fid) => (files.get(fid)?.online_sources ?? 0) > SOURCE_SAMPLE);
    for (const row of this.s.sourcesIn.all(JSON.stringify(fids.filter((fid) => !crowded.includes(fid))))) {
      const list = sources.get(row.fid);
      if (list) list.push(row);
      else sources.set(row.fid, [row]);
    }
    const results: SearchResult[] = [];
    for (const fid of fids) {
      const f = files.get(fid);
      if (!f) continue;
      const names = JSON.parse(f.names) as string[];
      const best = crowded.includes(fid) ? this.s.resultSources.all({ fid, size: f.size }) : rankSources(sources.get(fid) ?? []).slice(0, SOURCES_PER_RESULT);
      results.push({
        id: f.file_id, name: names[0] ?? f.file_id, names, folders: JSON.parse(f.folders) as string[], size: f.size, mime: f.mime, category: f.category,
        tags: JSON.parse(f.tags) as string[], pieceSize: f.piece_size, sourceCount: f.online_sources,
        sources: best.map(toSource(f.file_id)), firstSeen: new Date(f.first_seen).toISOString(),
      });
    }
    return results;
  }
}

/** The values of a JSON array still `present`, in their order, then new ones up to `max`. */
function keepPresent(json: string, present: readonly string[], max: number): string[] {
  const there = new Set(present);
  const kept = (JSON.parse(json) as string[]).filter((v) => there.has(v));
  for (const v of there) if (!kept.includes(v) && kept.length < max) kept.push(v);
  return kept;
}

/**
 * The value most claims give (by `key`); a tie goes to the value whose claimants have the most
 * reputation, then to `current`.
 */
function majority<T>(claims: readonly Claim[], key: (c: Claim) => T, current: T): T {
  const tally = new Map<T, { n: number; reputation: number }>();
  for (const c of claims) {
    const t = tally.get(key(c)) ?? { n: 0, reputation: 0 };
    t.n++;
    t.reputation += c.reputation;
    tally.set(key(c), t);
  }
  let best = current;
  let top = tally.get(current) ?? { n: 0, reputation: 0 };
  for (const [value, t] of tally) {
    if (t.n > top.n || (t.n === top.n && t.reputation > top.reputation)) {
      best = value;
      top = t;
    }
  }
  return best;
}

/** The first name in a names JSON array. */
function firstName(namesJson: string): string {
  return (JSON.parse(namesJson) as string[])[0] ?? '';
}

/** Two significant digits: an estimate should not look exact. */
function roundEstimate(n: number): number {
  if (n < 100) return Math.round(n);
  const magnitude = Math.pow(10, Math.floor(Math.log10(n)) - 1);
  return Math.round(n / magnitude) * magnitude;
}
