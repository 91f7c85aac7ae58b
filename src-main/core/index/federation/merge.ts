// Merging the federation's answers by file id: one result per content, its sources united (by
// peer id), its availability summed, names, folders and tags united (bounded). What came from
// another index server is checked before it is merged: its sources must be plain download
// addresses of that very file, and a search result must pass the query's own filters.
import { z } from 'zod';
import type { SearchQuery, SearchResult } from '../../../../src-shared/api/index-routes.js';

/** Sources listed per merged search result (as many as the index's own results list). */
export const SOURCES_PER_MERGED_RESULT = 20;
/** Sources listed in a federated source lookup (GET /files/{id}, the Metalink, the torrent). */
export const SOURCES_PER_FEDERATED_FILE = 64;
const MAX_NAMES = 16;
const MAX_FOLDERS = 8;
const MAX_TAGS = 64;

/** A remote source's URL must be a peer's download address of this file: nothing else is handed to downloaders. */
export function isDownloadUrlOf(url: string, fileId: string): boolean {
  if (url.length > 400) return false;
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(url);
  if (!parsed.success) return false;
  const u = new URL(url);
  return u.username === '' && u.password === '' && u.search === '' && u.hash === '' && u.pathname === `/api/v1/download/${fileId}`;
}

/** A peer count no index server can claim for one file (more than `super_peer.max_peers` allows by default). */
const MAX_CLAIMED_SOURCES = 10_000;

/**
 * A remote result with its sources checked; undefined when it does not fit the query's filters,
 * or no source it lists is a download address of that file (it adds nothing but a name).
 */
export function checkedRemote(r: SearchResult, query?: SearchQuery): SearchResult | undefined {
  if (query) {
    if (query.category && r.category !== query.category) return undefined;
    if (query.minSize !== undefined && r.size < query.minSize) return undefined;
    if (query.maxSize !== undefined && r.size > query.maxSize) return undefined;
    if (query.tag && !r.tags.includes(query.tag)) return undefined;
    if (query.ext && !r.names.concat(r.name).some((n) => n.toLowerCase().endsWith(`.${query.ext}`))) return undefined;
  }
  const sources = r.sources.filter((s) => isDownloadUrlOf(s.url, r.id)).slice(0, SOURCES_PER_FEDERATED_FILE);
  if (sources.length === 0) return undefined;
  return {
    ...r,
    names: r.names.slice(0, MAX_NAMES),
    tags: r.tags.slice(0, MAX_TAGS),
    ...(r.folders ? { folders: r.folders.slice(0, MAX_FOLDERS) } : {}),
    sources,
    // A count beyond what it could have listed is a claim; never less than what it listed.
    sourceCount: Math.max(sources.length, Math.min(r.sourceCount, MAX_CLAIMED_SOURCES)),
    inLibrary: undefined,
  };
}

/** Unites two answers about one file; `a` (ours, or the first to arrive) names it. */
export function mergeFile(a: SearchResult, b: SearchResult, maxSources: number): SearchResult {
  const known = new Set(a.sources.map((s) => s.peerId));
  const extra = b.sources.filter((s) => !known.has(s.peerId));
  const shared = b.sources.length - extra.length; // one peer registered with both: counted once
  const folders = union(a.folders ?? [], b.folders ?? [], MAX_FOLDERS);
  const merged: SearchResult = {
    ...a,
    names: union(a.names, b.names, MAX_NAMES),
    tags: union(a.tags, b.tags, MAX_TAGS),
    sources: [...a.sources, ...extra].slice(0, maxSources),
    sourceCount: a.sourceCount + b.sourceCount - shared,
    firstSeen: a.firstSeen < b.firstSeen ? a.firstSeen : b.firstSeen,
  };
  if (folders.length > 0) merged.folders = folders;
  return merged;
}

/**
 * One list from several ranked lists (ours first): by file id, merged. Relevance is each list's
 * own (their scores are not comparable): a result takes its best rank in any list, ties to the
 * more available; the other sorts are by the field itself.
 */
export function mergeLists(lists: readonly SearchResult[][], query: Pick<SearchQuery, 'sort' | 'order' | 'q'>, maxSources = SOURCES_PER_MERGED_RESULT): SearchResult[] {
  const byId = new Map<string, { result: SearchResult; rank: number; seq: number }>();
  let seq = 0;
  for (const list of lists) {
    list.forEach((r, rank) => {
      const had = byId.get(r.id);
      if (had) {
        had.result = mergeFile(had.result, r, maxSources);
        had.rank = Math.min(had.rank, rank);
      } else byId.set(r.id, { result: { ...r, sources: r.sources.slice(0, maxSources) }, rank, seq: seq++ });
    });
  }
  const entries = [...byId.values()];
  const dir = query.order === 'asc' ? -1 : 1;
  const key: Record<SearchQuery['sort'], (e: (typeof entries)[number]) => number> = {
    relevance: (e) => -e.rank,
    size: (e) => e.result.size,
    sources: (e) => e.result.sourceCount,
    newest: (e) => Date.parse(e.result.firstSeen) || 0,
  };
  // Without words, "relevance" is the index's newest first.
  const sortKey = query.sort === 'relevance' && query.q.trim() === '' ? key.newest : key[query.sort];
  entries.sort((x, y) => dir * (sortKey(y) - sortKey(x)) || y.result.sourceCount - x.result.sourceCount || x.seq - y.seq);
  return entries.map((e) => e.result);
}

function union(a: readonly string[], b: readonly string[], max: number): string[] {
  return [...new Set([...a, ...b])].slice(0, max);
}
