// Merging the federation's answers by file id: one result per content, its sources united (by
// peer id), its availability summed, names, folders and tags united (bounded). What came from
// another index server is checked before it is merged: its sources must be plain download
// addresses of that very file, at hosts a downloader may be sent to, and a search result must
// pass the query's own filters and words.
import { BlockList, isIP } from 'node:net';
import type { SearchQuery, SearchResult } from '../../../../src-shared/api/index-routes.js';
import { wordsOf } from '../name-tokens.js';
import { parseSearchQuery } from '../search-query-parser.js';

/** Sources listed per merged search result (as many as the index's own results list). */
const SOURCES_PER_MERGED_RESULT = 20;
/** Sources listed in a federated source lookup (GET /files/{id}, the Metalink, the torrent). */
export const SOURCES_PER_FEDERATED_FILE = 64;
const MAX_NAMES = 16;
const MAX_FOLDERS = 8;
const MAX_TAGS = 64;

/** Addresses no source is at for someone else: unspecified, link-local, multicast, reserved. */
const NEVER_A_SOURCE = new BlockList();
NEVER_A_SOURCE.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER_A_SOURCE.addSubnet('169.254.0.0', 16, 'ipv4');
NEVER_A_SOURCE.addSubnet('224.0.0.0', 4, 'ipv4');
NEVER_A_SOURCE.addSubnet('240.0.0.0', 4, 'ipv4');
NEVER_A_SOURCE.addAddress('::', 'ipv6');
NEVER_A_SOURCE.addSubnet('fe80::', 10, 'ipv6');
NEVER_A_SOURCE.addSubnet('ff00::', 8, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** A URL's or a host:port's host without IPv6 brackets, lower case. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function inList(list: BlockList, host: string): boolean {
  const family = isIP(host);
  if (family === 0) return false;
  // An IPv4-mapped IPv6 address is its IPv4 address.
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1] : undefined;
  if (mapped) return list.check(mapped, 'ipv4');
  if (family === 6 && /^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(host)) {
    const [hi, lo] = host.slice(7).split(':').map((h) => parseInt(h, 16)) as [number, number];
    return list.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether `host` (a name or an address, IPv6 in brackets or not) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = bareHost(host);
  return h === 'localhost' || h.endsWith('.localhost') || inList(LOOPBACK, h);
}

/** The host of a member's `host:port` address; undefined when it is not one. */
export function hostOfAddress(address: string): string | undefined {
  try {
    return new URL(`http://${address}`).hostname;
  } catch {
    return undefined;
  }
}

/** Where a remote answer came from: loopback sources only from a member on loopback itself. */
export interface RemoteOrigin {
  /** The member answering is at a loopback address (a test, or index servers on one machine). */
  loopback: boolean;
}

/**
 * A remote source's URL must be a peer's download address of this file, at a host a downloader
 * may be sent to: never an unspecified, link-local or multicast address, and loopback only when
 * the member that listed it is on loopback too (else it points downloaders at their own machine).
 * Nothing else is handed to downloaders. (A name is not resolved: it is the peer's own address.)
 */
export function isDownloadUrlOf(url: string, fileId: string, from: RemoteOrigin = { loopback: true }): boolean {
  if (url.length > 400) return false;
  // Asked for every source of every remote answer: one parse, no schema built per call.
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '' || u.pathname !== `/api/v1/download/${fileId}`) return false;
  return isSourceHost(u.hostname, from);
}

/** Whether a downloader may be sent to `host` (a name or an address), listed by a member at `from` (see isDownloadUrlOf). */
export function isSourceHost(hostname: string, from: RemoteOrigin): boolean {
  const host = bareHost(hostname);
  if (host === '' || inList(NEVER_A_SOURCE, host)) return false;
  return from.loopback || !isLoopbackHost(host);
}

/** Whether a remote result speaks of the query's words: one of them in a name, a tag or a folder (as the parser cuts them). */
function mentionsQueryWords(r: SearchResult, q: string): boolean {
  const words = parseSearchQuery(q).required.flat().flatMap((t) => wordsOf(t.text)).map(folded);
  if (words.length === 0) return true; // no words: every file fits
  const text = folded([r.name, ...r.names, ...r.tags, ...(r.folders ?? [])].join('\n'));
  return words.some((w) => text.includes(w));
}

/** Case and diacritics folded, as the full-text tokenizer folds them. */
function folded(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A peer count no index server can claim for one file (more than `super_peer.max_peers` allows by default). */
const MAX_CLAIMED_SOURCES = 10_000;

/**
 * A remote result with its sources checked; undefined when it does not fit the query's filters
 * or words, or no source it lists is a download address of that file (it adds nothing but a
 * name). A first-seen time in the future is now.
 */
export function checkedRemote(r: SearchResult, query?: SearchQuery, from: RemoteOrigin = { loopback: true }, now = Date.now()): SearchResult | undefined {
  if (query) {
    if (!mentionsQueryWords(r, query.q)) return undefined;
    if (query.category && r.category !== query.category) return undefined;
    if (query.minSize !== undefined && r.size < query.minSize) return undefined;
    if (query.maxSize !== undefined && r.size > query.maxSize) return undefined;
    if (query.tag && !r.tags.includes(query.tag)) return undefined;
    if (query.ext && !r.names.concat(r.name).some((n) => n.toLowerCase().endsWith(`.${query.ext}`))) return undefined;
  }
  const sources = r.sources.filter((s) => isDownloadUrlOf(s.url, r.id, from)).slice(0, SOURCES_PER_FEDERATED_FILE);
  if (sources.length === 0) return undefined;
  // As many sources as the query asks: claimed, and listed as far as a result lists them.
  if (query && (r.sourceCount < query.minSources || sources.length < Math.min(query.minSources, SOURCES_PER_MERGED_RESULT))) return undefined;
  const seen = Date.parse(r.firstSeen);
  return {
    ...r,
    names: r.names.slice(0, MAX_NAMES),
    tags: r.tags.slice(0, MAX_TAGS),
    ...(r.folders ? { folders: r.folders.slice(0, MAX_FOLDERS) } : {}),
    sources,
    // A count beyond what it could have listed is a claim; never less than what it listed.
    sourceCount: Math.max(sources.length, Math.min(r.sourceCount, MAX_CLAIMED_SOURCES)),
    firstSeen: Number.isFinite(seen) && seen <= now ? r.firstSeen : new Date(now).toISOString(),
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
 * more available; the other sorts are by the field itself. Availability ranks by what can be
 * checked: our own count, and the other servers' sources as listed (not their claimed counts);
 * a first-seen time is never later than now.
 */
export function mergeLists(lists: readonly SearchResult[][], query: Pick<SearchQuery, 'sort' | 'order' | 'q'>, maxSources = SOURCES_PER_MERGED_RESULT, now = Date.now()): SearchResult[] {
  const byId = new Map<string, { result: SearchResult; rank: number; seq: number; peers: Set<string>; available: number }>();
  let seq = 0;
  lists.forEach((list, which) => {
    list.forEach((r, rank) => {
      const had = byId.get(r.id);
      const listed = r.sources.map((s) => s.peerId);
      if (had) {
        had.result = mergeFile(had.result, r, maxSources);
        had.rank = Math.min(had.rank, rank);
        for (const peer of listed) {
          if (had.peers.has(peer)) continue;
          had.peers.add(peer);
          had.available++;
        }
      } else {
        const peers = new Set(listed);
        byId.set(r.id, { result: { ...r, sources: r.sources.slice(0, maxSources) }, rank, seq: seq++, peers, available: which === 0 ? Math.max(r.sourceCount, peers.size) : peers.size });
      }
    });
  });
  const entries = [...byId.values()];
  const dir = query.order === 'asc' ? -1 : 1;
  const key: Record<SearchQuery['sort'], (e: (typeof entries)[number]) => number> = {
    relevance: (e) => -e.rank,
    size: (e) => e.result.size,
    sources: (e) => e.available,
    newest: (e) => Math.min(Date.parse(e.result.firstSeen) || 0, now),
  };
  // Without words, "relevance" is the index's newest first.
  const sortKey = query.sort === 'relevance' && query.q.trim() === '' ? key.newest : key[query.sort];
  entries.sort((x, y) => dir * (sortKey(y) - sortKey(x)) || y.available - x.available || x.seq - y.seq);
  return entries.map((e) => e.result);
}

function union(a: readonly string[], b: readonly string[], max: number): string[] {
  return [...new Set([...a, ...b])].slice(0, max);
}
