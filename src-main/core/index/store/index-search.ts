// Search over the index (the query language is search-query-parser.ts). How it stays fast at a
// million files (figures: bench/search.ts, `npm run bench -- search`):
// - One FTS5 MATCH carries the words, phrases, prefixes and exclusions and also the category,
//   extension and tag filters, as tokens of a `meta` column (fts-tokens.ts): FTS5 intersects
//   doclists far faster than checking rows one by one.
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
// - A page's files and sources are read in two batched statements (search-results.ts).
import type { Statement } from 'better-sqlite3';
import type { z } from 'zod';
import type { SearchQuery, SearchResponse } from '../../../../src-shared/api/index-routes.js';
import { wordsOf } from '../name-tokens.js';
import { ftsString, parseSearchQuery, toFtsParts, type ParsedQuery } from '../search-query-parser.js';
import type { DenormalisedCounts } from './denormalised-counts.js';
import { firstName } from './file-text.js';
import { ALL_ROWS, chipAlternative, sizeCondition, tagToken } from './fts-tokens.js';
import { countedRow, fidRangeRow, fidRow, hitRow, round2, type Hit } from './index-rows.js';
import { fold, quickRelevance } from './quick-relevance.js';
import type { SearchResults } from './search-results.js';
import type { RowSchema, TypedSql } from './typed-sql.js';

/** Hits ranked together: a query with at most this many is ranked exactly, a broader one window by window. See fullText. */
export const RANK_WINDOW = 500;
/** A search reads at most this many times the hits it needs (filters on size and sources reject some). */
const SCAN_FACTOR = 8;
/** A last word shorter than this is matched whole, not as a prefix (`a*` would match most of the index). */
const MIN_PREFIX = 2;
export const MAX_PAGE_SIZE = 200;
/** Results past this many are not served: refine the query instead (every page reads the hits before it). */
export const MAX_RESULT_DEPTH = 10_000;
/** Exact counts of filter-only browsing stop here; beyond, the total is an estimate. */
const COUNT_CAP = 5000;

/** The text hits of a query in rowid order (`dir`), checked against the file filters `ok` (see fullText). */
export const hitsSql = (ok: string, dir: 'ASC' | 'DESC') => `SELECT f.fid AS fid, f.size AS size, f.online_sources AS sources, f.names AS names, ${ok} AS ok, h.n AS n
      FROM (SELECT rowid AS fid, row_number() OVER (ORDER BY rowid ${dir}) AS n FROM index_fts
            WHERE index_fts MATCH @match ORDER BY rowid ${dir} LIMIT @scanCap) h
      CROSS JOIN index_files f ON f.fid = h.fid
      WHERE (${ok}) OR h.n = @scanCap LIMIT @need`;
/** A page of index_files alone (browse). */
export const browseSql = (where: string, order: string) => `SELECT f.fid AS fid FROM index_files f ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`;
/** How many files pass the filters, up to COUNT_CAP, and how far down that reached (browse). */
export const countedSql = (where: string) => `SELECT count(*) AS n, min(fid) AS reached FROM (
        SELECT f.fid AS fid FROM index_files f ${where} ORDER BY f.fid DESC LIMIT ${COUNT_CAP})`;

type Found = { fids: number[]; total: number; totalIsEstimate: boolean };

export class IndexSearch {
  private readonly s;
  /** The statements of the SQL built per query (a few hundred forms at most). */
  private readonly cached = new Map<string, Statement>();

  constructor(private readonly sql: TypedSql, private readonly counts: DenormalisedCounts, private readonly results: SearchResults) {
    this.s = {
      fidRange: sql.select<[], typeof fidRangeRow>(fidRangeRow, 'SELECT (SELECT max(fid) FROM index_files) AS hi, (SELECT min(fid) FROM index_files) AS lo'),
      idPrefix: sql.select<[number, number, number, string], typeof fidRow>(fidRow,
        'SELECT fid FROM index_files WHERE file_key >= ? AND file_key < ? AND substr(file_id, 1, ?) = ? ORDER BY fid DESC LIMIT 1000'),
    };
  }

  /** Every indexed file, newest first (sources or not); or only those whose id starts with `idPrefix`. */
  listFiles(q: { offset: number; limit: number; idPrefix?: string | undefined }): SearchResponse {
    const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, q.limit));
    if (q.idPrefix !== undefined) return this.filesWithIdPrefix(q.idPrefix, Math.max(0, q.offset), pageSize);
    return this.search({
      q: '', minSources: 0, sort: 'newest', page: Math.floor(Math.max(0, q.offset) / pageSize) + 1, pageSize,
    });
  }

  /** A range over the indexed 52-bit key, then the exact prefix: one index seek however big the index. */
  private filesWithIdPrefix(prefix: string, offset: number, pageSize: number): SearchResponse {
    const started = performance.now();
    const head = prefix.slice(0, 13);
    const shift = 2 ** (4 * (13 - head.length));
    const low = parseInt(head, 16) * shift;
    const rows = this.s.idPrefix.all(low, low + shift, prefix.length, prefix);
    const fids = rows.slice(offset, offset + pageSize).map((r) => r.fid);
    return {
      items: this.results.resultsOf(fids), total: rows.length, page: Math.floor(offset / pageSize) + 1, pageSize,
      totalIsEstimate: false, tookMs: round2(performance.now() - started),
    };
  }

  /**
   * Searches: the query language (search-query-parser.ts), filters, sort, paging (at most 200
   * a page). Results are grouped by file id, with their online sources best first and every
   * name they are known by.
   */
  search(query: SearchQuery): SearchResponse {
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
    const items = this.results.resultsOf(fids);
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

  /** The statement of SQL built for a query, prepared once; its rows typed by `row`. */
  private prepared<S extends RowSchema>(row: S, text: string): Statement<Record<string, unknown>, z.infer<S>> {
    let statement = this.cached.get(text);
    if (!statement) {
      statement = this.sql.select(row, text);
      if (this.cached.size > 200) this.cached.clear();
      this.cached.set(text, statement);
    }
    return statement as Statement<Record<string, unknown>, z.infer<S>>;
  }

  /**
   * Full-text search. Hits are read newest first (rowid order, no ranking cost) and checked
   * against the size and sources filters, until the page is filled or SCAN_FACTOR × what it
   * needs has been read. When that reaches the end, every hit is known: the total is exact and
   * the ranking exact when they fit one window of RANK_WINDOW. Otherwise the query is broad:
   * hits are ranked within consecutive windows of RANK_WINDOW (quickRelevance for relevance) and
   * the total is estimated from the hit density met so far.
   */
  private fullText(match: string, parsed: ParsedQuery, q: SearchQuery, offset: number, limit: number): Found {
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
    const rows = this.prepared(hitRow, hitsSql(ok, dir)).all({ ...filters.args, match, scanCap, need });
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
  private browse(q: SearchQuery, offset: number, limit: number): Found {
    const filters = this.fileFilters(q);
    const where = filters.sql.length > 0 ? `WHERE ${filters.sql.join(' AND ')}` : '';
    const desc = q.order === 'asc' ? 'ASC' : 'DESC';
    const order = {
      newest: `f.fid ${desc}`,
      size: `f.size ${desc}, f.fid ${desc}`,
      sources: `f.online_sources ${desc}, f.fid ${desc}`,
      relevance: `f.online_sources ${desc}, f.fid ${desc}`,
    }[q.sort];
    const rows = this.prepared(fidRow, browseSql(where, order)).all({ ...filters.args, limit, offset });
    const fids = rows.map((r) => r.fid);
    // Totals are kept for the two usual cases; otherwise count up to a cap and estimate beyond it.
    const totals = this.counts.totals();
    if (q.minSize === undefined && q.maxSize === undefined && q.minSources <= 1 && totals) {
      return { fids, total: q.minSources === 0 ? totals.files : totals.available, totalIsEstimate: false };
    }
    const counted = this.prepared(countedRow, countedSql(where)).get(filters.args) ?? { n: 0, reached: null };
    if (counted.n < COUNT_CAP || counted.reached === null) return { fids, total: Math.max(counted.n, offset + fids.length), totalIsEstimate: false };
    return { fids, total: this.estimate(counted.n, counted.reached, true), totalIsEstimate: true };
  }

}

function pageSizeOf(q: { pageSize: number }): number {
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(q.pageSize)));
}

/** Two significant digits: an estimate should not look exact. */
function roundEstimate(n: number): number {
  if (n < 100) return Math.round(n);
  const magnitude = Math.pow(10, Math.floor(Math.log10(n)) - 1);
  return Math.round(n / magnitude) * magnitude;
}
