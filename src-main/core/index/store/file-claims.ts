// What the index shows of a file its sources disagree about. Besides the id, what a source says is
// its claim: the id commits to the size, but the index cannot check it without the bytes; the name
// and type are whatever the source calls it. A file's row shows what most of its sources claim,
// and only the sources claiming the file's size count as its sources (online_sources). A size a
// source's piece list proved (size-proof.ts) wins over any count of claims.
import type { Category } from '../../../../src-shared/api/common.js';
import { extensionOf } from '../name-tokens.js';
import { sourceDownloadUrl } from '../source-ranking.js';
import type { DenormalisedCounts } from './denormalised-counts.js';
import { keepPresent, MAX_FOLDERS_PER_FILE, MAX_NAMES_PER_FILE, MAX_TAGS_PER_FILE, type FileText } from './file-text.js';
import { ftsRow } from './fts-tokens.js';
import { claimRow, countRow, fileRow, onlineClaimRow, SUMMARY_COLUMNS, summaryRow, type Claim, type Summary } from './index-rows.js';
import type { TypedSql } from './typed-sql.js';

/**
 * A file's claims (size, type, names) are decided among at most this many of its sources (the
 * first registered): deciding reads them, and a popular file has thousands.
 */
const CLAIM_SAMPLE = 1024;
/** Files whose proven size the index remembers at most. */
const MAX_PROVEN_SIZES = 10_000;

export class FileClaims {
  private readonly s;
  /** Sizes a source's piece list proved (fid → size): they win over any count of claims. */
  private readonly provenSizes = new Map<number, number>();
  /** Files whose sources claim more than one size, met by refreshSummary since the last drain. */
  private conflicts = new Set<number>();

  constructor(sql: TypedSql, private readonly counts: DenormalisedCounts) {
    this.s = {
      summary: sql.select<[number], typeof summaryRow>(summaryRow, `SELECT ${SUMMARY_COLUMNS} FROM index_files WHERE fid = ?`),
      setClaim: sql.write<[number, string, Category, number, number]>('UPDATE index_files SET size = ?, mime = ?, category = ?, online_sources = ? WHERE fid = ?'),
      setSummary: sql.write<[string, string, string, string, number]>('UPDATE index_files SET names = ?, tags = ?, folders = ?, ext = ? WHERE fid = ?'),
      ftsReplace: sql.write<[number, string, string, string]>('INSERT OR REPLACE INTO index_fts (rowid, name, tags, meta) VALUES (?, ?, ?, ?)'),
      filesIn: sql.select<[string], typeof fileRow>(fileRow, `SELECT fid, file_id, size, mime, category, piece_size, first_seen, online_sources, names, tags, folders
        FROM index_files WHERE fid IN (SELECT value FROM json_each(?))`),
      claimsOf: sql.select<[number], typeof claimRow>(claimRow, `SELECT l.name, l.tags, l.folder, l.size, l.mime, l.category, p.reputation, p.status
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = ? LIMIT ${CLAIM_SAMPLE}`),
      onlineClaims: sql.select<[number], typeof onlineClaimRow>(onlineClaimRow, `SELECT l.size, p.address, p.port
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = ? AND p.status = 'online' LIMIT ${CLAIM_SAMPLE}`),
      onlineClaiming: sql.select<[number, number], typeof countRow>(countRow, `SELECT count(*) AS n
        FROM index_locations l CROSS JOIN index_peers p ON p.id = l.peer WHERE l.fid = ? AND l.size = ? AND p.status = 'online'`),
    };
  }

  /** The ids of files whose sources claim more than one size (none proven yet), met since the last call. */
  drainSizeConflicts(): string[] {
    const fids = [...this.conflicts];
    this.conflicts = new Set();
    if (fids.length === 0) return [];
    return this.s.filesIn.all(JSON.stringify(fids)).map((f) => f.file_id);
  }

  /** Each size claimed for file `fid` (`fileId`), with the download addresses of up to `perSize` online sources claiming it. */
  sizeClaims(fid: number, fileId: string, perSize: number): { size: number; urls: string[] }[] {
    const bySize = new Map<number, string[]>();
    for (const r of this.s.onlineClaims.all(fid)) {
      const urls = bySize.get(r.size) ?? [];
      if (urls.length < perSize) urls.push(sourceDownloadUrl(r.address, r.port, fileId));
      bySize.set(r.size, urls);
    }
    return [...bySize].map(([size, urls]) => ({ size, urls }));
  }

  /**
   * A source's piece list proved `size` to be file `fid`'s: it is the file's size from now on,
   * whatever most sources claim (kept while the file is indexed, for at most MAX_PROVEN_SIZES
   * files). The caller refreshes the summary in its write.
   */
  proveSize(fid: number, size: number): void {
    this.provenSizes.delete(fid);
    this.provenSizes.set(fid, size);
    if (this.provenSizes.size > MAX_PROVEN_SIZES) this.provenSizes.delete(this.provenSizes.keys().next().value as number);
  }

  /** File `fid` left the index: its proof goes with it. */
  forget(fid: number): void {
    this.provenSizes.delete(fid);
  }

  /**
   * Recomputes a file's claims from its sources (at most CLAIM_SAMPLE of them) and rewrites what
   * changed. The size is the one most sources claim (a tie: the one whose sources have the most
   * reputation, then the one shown so far); the type is the one most of those sources claim; the
   * names, tags and folders are theirs, names by how many sources give each (then as before).
   * Sources claiming another size are no sources of this file (online_sources counts the others).
   */
  refreshSummary(fid: number): void {
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
      this.counts.availabilityChanged(known, { online_sources: online, size });
      this.s.setClaim.run(size, mime, category, online, fid);
    }
    if (claimChanged || JSON.stringify(names) !== known.names || JSON.stringify(tags) !== known.tags || JSON.stringify(folders) !== known.folders) {
      this.writeSummary({ ...known, size, mime, category }, { names, tags, folders });
    }
  }

  /** Stores a file's text (its row and its full-text row). */
  writeSummary(known: Summary, text: FileText): void {
    const { names, tags, folders } = text;
    this.s.setSummary.run(JSON.stringify(names), JSON.stringify(tags), JSON.stringify(folders), extensionOf(names[0] ?? ''), known.fid);
    const row = ftsRow(known.category, known.size, text);
    this.s.ftsReplace.run(known.fid, row.name, row.tags, row.meta);
  }
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
