// The index server's tables (migration 2): peers, the files they hold, where (locations), and the
// full-text table search runs on. Only storage and SQL live here; IndexService decides. This class
// composes the parts under store/, each with one job, and keeps every public write one transaction:
// - peer-registry.ts: registered peers, heartbeats, status, sessions (cached in memory);
// - peer-reputation.ts: reputations and the transfer reports that move them;
// - file-locations.ts: which peer holds which file; file rows exist exactly while some peer holds
//   the file (registration writes: the index's main cost under load);
// - file-claims.ts: what a file's row shows when its sources disagree (majority, proven sizes);
// - denormalised-counts.ts: online sources per file, files per peer, the index's totals, and the
//   write transaction that stores them;
// - index-search.ts, search-results.ts, fts-tokens.ts, quick-relevance.ts: search (the first
//   explains how it stays fast at a million files);
// - replica-feed.ts: the changes to this server's own peers, which federation members pull to keep
//   replicas of them; applyReplica writes a member's;
// - index-rows.ts, typed-sql.ts: the rows the SQL returns, as zod schemas the tests check.
import type { IndexedFile, IndexPeer, SearchQuery, SearchResponse, SearchResult } from '../../../src-shared/api/index-routes.js';
import type { Db } from '../store/database.js';
import type { PeerSession } from './peer-session-cache.js';
import { DenormalisedCounts } from './store/denormalised-counts.js';
import { FileClaims } from './store/file-claims.js';
import { FileLocations } from './store/file-locations.js';
import type { IndexSource, PeerStatus } from './store/index-rows.js';
import { IndexSearch } from './store/index-search.js';
import { PeerRegistry, type Beat, type PeerLoad, type PeerRegistration, type PeerStanding } from './store/peer-registry.js';
import { PeerReputation, type Report } from './store/peer-reputation.js';
import { ReplicaFeed, type FeedPage } from './store/replica-feed.js';
import { SearchResults, SOURCES_PER_RESULT } from './store/search-results.js';
import { TypedSql } from './store/typed-sql.js';

/** What one federation member may keep in this store (applyReplica). */
export interface ReplicaBounds {
  /** Its peers. */
  maxReplicas: number;
  /** Files of one of its peers. */
  maxFiles: number;
  /** Files of all its peers. */
  maxMemberFiles: number;
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

/** The connection's page cache while the index role is on, in KiB. */
const INDEX_CACHE_KIB = 64 * 1024;
/**
 * WAL pages written before SQLite copies them back into the database (its default: 1,000, 4 MB).
 * A registration dirties ~260 pages, many of them the same from one registration to the next
 * (the b-trees' upper pages, the full-text structure, the counts): copied back every 4 registrations,
 * each was written again and again, one pwrite a page. At 10,000 (40 MB of WAL at most) a
 * registration's store write took 4.8-5.0 ms of CPU instead of 5.9-6.4 (400 new 100-file peers into
 * a 3,333-peer index, alternated), a third less of it in the kernel.
 */
const INDEX_WAL_CHECKPOINT_PAGES = 10_000;

export class IndexStore {
  private readonly denormalised: DenormalisedCounts;
  private readonly peers: PeerRegistry;
  private readonly reputation: PeerReputation;
  private readonly claims: FileClaims;
  private readonly locations: FileLocations;
  private readonly results: SearchResults;
  private readonly index: IndexSearch;
  private readonly feed: ReplicaFeed;

  /** `sql`: the tests pass their own, to check the rows of every statement the store prepared. */
  constructor(db: Db, sql = new TypedSql(db)) {
    // SQLite's default page cache is 2 MB; an index of a million files has ~100 MB of hot pages
    // (lookups by file key, the full-text doclists). A bigger cache for this connection is what
    // keeps registrations and searches off the OS page cache.
    const cache = db.pragma('cache_size', { simple: true }) as number; // < 0: KiB, > 0: pages
    const cacheKib = cache < 0 ? -cache : (cache * (db.pragma('page_size', { simple: true }) as number)) / 1024;
    if (cacheKib < INDEX_CACHE_KIB) db.pragma(`cache_size = -${INDEX_CACHE_KIB}`);
    if ((db.pragma('wal_autocheckpoint', { simple: true }) as number) < INDEX_WAL_CHECKPOINT_PAGES) db.pragma(`wal_autocheckpoint = ${INDEX_WAL_CHECKPOINT_PAGES}`);
    this.denormalised = new DenormalisedCounts(sql);
    this.feed = new ReplicaFeed(sql);
    this.peers = new PeerRegistry(sql, this.denormalised, this.feed);
    this.reputation = new PeerReputation(sql);
    this.claims = new FileClaims(sql, this.denormalised);
    this.locations = new FileLocations(sql, this.denormalised, this.claims);
    this.results = new SearchResults(sql);
    this.index = new IndexSearch(sql, this.denormalised, this.results);
  }

  // ---- peers --------------------------------------------------------------------------------

  getPeer(peerId: string): IndexPeer | undefined {
    return this.peers.getPeer(peerId);
  }

  /** The stored session of a peer (hash of its token; null when it must register again). */
  getPeerSession(peerId: string): Pick<PeerSession, 'sessionHash' | 'status'> | undefined {
    return this.peers.getPeerSession(peerId);
  }

  /** Peers registered (online or offline) whose claimed or observed address counts under `key` (address-keys.ts). */
  peersAtAddress(key: string): number {
    return this.peers.peersAtAddress(key);
  }

  /** The files listed by peers whose claimed or observed address counts under `key`. */
  filesAtAddress(key: string): number {
    return this.peers.filesAtAddress(key);
  }

  /** What the index weighs a peer's reports and limits by: its address keys, when it was first registered, its standing. */
  peerStanding(peerId: string): PeerStanding | undefined {
    return this.peers.peerStanding(peerId);
  }

  /**
   * A registration: the peer is created or refreshed, online, with a new session (a known peer
   * keeps its reputation), then its files become exactly `files`. Returns its rowid, the ids new
   * to the index and the ids gone from it entirely.
   */
  registerPeer(r: PeerRegistration & { files: readonly IndexedFile[] }): { rowid: number; added: string[]; removed: string[] } {
    return this.denormalised.write(() => {
      const peer = this.peers.upsert(r);
      return { rowid: peer.id, ...this.locations.replaceFiles(peer, r.files, r.now) };
    });
  }

  /**
   * Keeps a peer online: last seen now, its load, a reputation change. A peer that had gone
   * offline (silent) comes back online with its files. False when the peer is unknown.
   */
  touchPeer(peerId: string, now: number, load: PeerLoad = {}): boolean {
    return this.peers.touchPeer(peerId, now, load);
  }

  /**
   * Many heartbeats of online peers in one transaction (heartbeat-buffer.ts). A peer that went
   * offline or was removed meanwhile is left alone: a late heartbeat never brings it back.
   */
  touchOnlinePeers(beats: Iterable<[string, Beat]>): void {
    this.peers.touchOnlinePeers(beats);
  }

  /** Marks peers offline (their files stop counting as available). Returns those that were online. */
  markOffline(peerIds: readonly string[], options: { forgetSession?: boolean } = {}): string[] {
    return this.peers.markOffline(peerIds, options);
  }

  /**
   * Every peer offline (the index starts: nobody has heartbeated this one yet). Resetting the
   * online sources of a million files takes seconds, so it runs in chunks of `chunkRows`,
   * yielding to the event loop between them. The totals say "nothing available" from the first
   * chunk on. Nothing else may write meanwhile: the index serves only once this is done.
   */
  async markAllOffline(chunkRows = 20_000): Promise<void> {
    this.denormalised.write(() => {
      this.peers.allOffline();
      this.denormalised.resetAvailable();
    });
    await this.denormalised.zeroOnlineSources(chunkRows);
  }

  /** Voids every session: peers must register again (after an index restart). */
  forgetSessions(): void {
    this.peers.forgetSessions();
  }

  /** Online peers not seen since before `cutoffMs`. */
  peersSilentSince(cutoffMs: number): string[] {
    return this.peers.peersSilentSince(cutoffMs);
  }

  /** Removes the peers offline and not seen since before `cutoffMs`, with their files. */
  removePeersOfflineSince(cutoffMs: number): { peerId: string; removedFileIds: string[] }[] {
    return this.denormalised.write(() => this.peers.peersOfflineSince(cutoffMs).map((peerId) => ({
      peerId, removedFileIds: this.deletePeer(peerId) ?? [],
    })));
  }

  /** Forgets a peer and its locations. Returns the file ids gone from the index; undefined for an unknown peer. */
  removePeer(peerId: string): string[] | undefined {
    return this.denormalised.write(() => this.deletePeer(peerId));
  }

  listPeers(q: { offset: number; limit: number; status?: PeerStatus | undefined }): { items: IndexPeer[]; total: number } {
    return this.peers.listPeers(q);
  }

  // ---- reputation ---------------------------------------------------------------------------

  /**
   * A downloader's report on a source: `delta` to its reputation (bounded), a failure (counts
   * against it in source ranking, fading), bytes it served.
   */
  adjustReputation(peerId: string, delta: number, report: { failure?: boolean; failureWeight?: number } = {}): void {
    this.reputation.adjustReputation(peerId, delta, report);
  }

  /** Whether a report on (reporter, subject, file, download) has counted already (kept a day, see forgetReportsBefore). */
  reportCounted(r: Report): boolean {
    return this.reputation.reportCounted(r);
  }

  /** How far one reporter's counted reports moved one subject since `since` (points, either way). */
  reporterEffectOn(reporter: string, subject: string, since: number): number {
    return this.reputation.reporterEffectOn(reporter, subject, since);
  }

  /** Remembers a report that counted, and what it moved. */
  recordReport(r: Report & { at: number; effect: number }): void {
    this.reputation.recordReport(r);
  }

  /** Forgets reports older than `cutoff`, and the oldest beyond `maxRows` (peer-reputation.ts). */
  forgetReportsBefore(cutoff: number, maxRows?: number): void {
    this.reputation.forgetReportsBefore(cutoff, maxRows);
  }

  /** Lets reputations drift toward neutral and failures fade, at most once a minute (peer-reputation.ts). */
  decayReputations(now: number): void {
    this.reputation.decayReputations(now);
  }

  // ---- files ----------------------------------------------------------------------------------

  /**
   * The peer's files become exactly `files` (a full list, on registration). Returns the ids new
   * to the index and those gone from it entirely. Unknown peer: nothing changes.
   */
  replacePeerFiles(peerId: string, files: readonly IndexedFile[], now = Date.now()): { added: string[]; removed: string[] } {
    return this.denormalised.write(() => {
      const peer = this.peers.ref(peerId);
      if (!peer) return { added: [], removed: [] };
      this.feed.changed(peer.id);
      return this.locations.replaceFiles(peer, files, now);
    });
  }

  /** Adds (or updates the name and tags of) some of a peer's files; idempotent. Returns the ids new to the index. */
  addPeerFiles(peerId: string, files: readonly IndexedFile[], now = Date.now()): string[] {
    if (files.length === 0) return [];
    return this.denormalised.write(() => {
      const peer = this.peers.ref(peerId);
      if (!peer) return [];
      this.feed.changed(peer.id);
      return this.locations.addFiles(peer, files, now);
    });
  }

  /** Removes some of a peer's files; idempotent. Returns the ids gone from the index entirely. */
  removePeerFiles(peerId: string, fileIds: readonly string[]): string[] {
    if (fileIds.length === 0) return [];
    return this.denormalised.write(() => {
      const peer = this.peers.ref(peerId);
      if (!peer) return [];
      this.feed.changed(peer.id);
      return this.locations.removeFiles(peer, fileIds);
    });
  }

  /**
   * The number of files `peerId` would list after adding `added` and removing `removed` (ids).
   * Counted exactly only when the simple bound (its count plus every added id) passes `max`.
   */
  fileCountAfter(peerId: string, added: readonly string[], removed: readonly string[], max: number): number {
    const peer = this.peers.row(peerId);
    return peer ? this.locations.countAfter(peer, added, removed, max) : 0;
  }

  /** The ids of files whose sources claim more than one size (none proven yet), met since the last call. */
  drainSizeConflicts(): string[] {
    return this.claims.drainSizeConflicts();
  }

  /** Each size claimed for `fileId`, with the download addresses of up to `perSize` online sources claiming it. */
  sizeClaims(fileId: string, perSize = 2): { size: number; urls: string[] }[] {
    const fid = this.locations.fidOf(fileId);
    return fid === undefined ? [] : this.claims.sizeClaims(fid, fileId, perSize);
  }

  /**
   * A source's piece list proved `size` to be `fileId`'s: it is the file's size from now on,
   * whatever most sources claim (file-claims.ts).
   */
  proveSize(fileId: string, size: number): void {
    const fid = this.locations.fidOf(fileId);
    if (fid === undefined) return;
    this.claims.proveSize(fid, size);
    this.denormalised.write(() => this.claims.refreshSummary(fid));
  }

  hasFile(fileId: string): boolean {
    return this.locations.fidOf(fileId) !== undefined;
  }

  /** A file's online sources, best first (source-ranking.ts); all of them are considered. */
  sourcesOf(fileId: string, limit = SOURCES_PER_RESULT, offset = 0): IndexSource[] {
    return this.results.sourcesOf(fileId, limit, offset);
  }

  /** One file as a search result, with up to `sourceLimit` online sources instead of a result's few. */
  getFile(fileId: string, sourceLimit = 200): SearchResult | undefined {
    const fid = this.locations.fidOf(fileId);
    if (fid === undefined) return undefined;
    const [result] = this.results.resultsOf([fid]);
    return result && { ...result, sources: this.results.sourcesOf(fileId, sourceLimit) };
  }

  counts(): IndexCounts {
    const peers = this.peers.peerCounts();
    const totals = this.denormalised.totals();
    return {
      peersOnline: peers.online, peersTotal: peers.total,
      uniqueFiles: totals?.files ?? 0, availableFiles: totals?.available ?? 0, availableBytes: totals?.availableBytes ?? 0,
    };
  }

  /** The totals counted from the tables (a full scan: for tests and repairs); `fix` stores them. */
  recountTotals(fix = false): { files: number; available: number; availableBytes: number } {
    return this.denormalised.recount(fix);
  }

  // ---- replicas (federation/replica-puller.ts) -------------------------------------------------

  /** What changed among this server's own peers after `since` of `epoch` (replica-feed.ts). */
  replicaPage(since: number, epoch: string | undefined, maxPeers: number, maxFiles: number, copying = false): FeedPage {
    return this.feed.page(since, epoch, maxPeers, maxFiles, copying);
  }

  /** Forgets the feed's oldest removals beyond `max` (default 100,000): a member further behind copies everything again. */
  forgetOldRemovals(max?: number): void {
    this.feed.forgetOldRemovals(max);
  }

  /**
   * A page of member `home`'s feed, in one write: its removed peers go (those this server holds as
   * its), its peers are written as replicas with their files (written by copy `gen`), up to
   * `maxReplicas` of that member's, `maxFiles` files each and `maxMemberFiles` in all. Returns the
   * ids new to the index and those gone, and how many peers were refused for those bounds.
   */
  applyReplica(home: string, gen: number, page: Pick<FeedPage, 'peers' | 'removed'>, bounds: ReplicaBounds, now: number):
    { added: string[]; removed: string[]; refused: number } {
    return this.denormalised.write(() => {
      const added: string[] = [];
      const removed: string[] = [];
      let refused = 0;
      for (const peerId of page.removed) {
        const peer = this.peers.ref(peerId);
        if (peer?.home === home) removed.push(...(this.deletePeer(peerId) ?? []));
      }
      let { peers: held, files: heldFiles } = this.peers.replicaCount(home);
      for (const p of page.peers) {
        const known = this.peers.standing(p.peerId);
        const ours = known?.home === home;
        const more = p.files.length - (ours ? known.file_count : 0);
        if (p.files.length > bounds.maxFiles || (!ours && held >= bounds.maxReplicas) || (more > 0 && heldFiles + more > bounds.maxMemberFiles)) {
          refused++;
          continue;
        }
        // A registration dated later than now is a claim to win over every other: it is taken as now.
        const peer = this.peers.upsertReplica(home, gen, { ...p, registeredAt: Math.min(p.registeredAt, now) }, now);
        if (!peer) continue;
        if (!ours) held++;
        heldFiles += more;
        const change = this.locations.replaceFiles(peer, p.files, now);
        added.push(...change.added);
        removed.push(...change.removed);
      }
      return { added, removed, refused };
    });
  }

  /** Removes up to `limit` of `home`'s replicas written before copy `gen` (Infinity: all), with their files. */
  dropReplicas(home: string, gen: number, limit: number): { peers: number; removed: string[] } {
    return this.denormalised.write(() => {
      const ids = this.peers.replicasOf(home, gen, limit);
      return { peers: ids.length, removed: ids.flatMap((peerId) => this.deletePeer(peerId) ?? []) };
    });
  }

  /** The members whose peers this server holds replicas of. */
  replicaHomes(): string[] {
    return this.peers.replicaHomes();
  }

  // ---- search -------------------------------------------------------------------------------

  /** Every indexed file, newest first (sources or not); or only those whose id starts with `idPrefix`. */
  listFiles(q: { offset: number; limit: number; idPrefix?: string | undefined }): SearchResponse {
    return this.index.listFiles(q);
  }

  /** Searches: the query language, filters, sort, paging (index-search.ts). */
  search(query: SearchQuery): SearchResponse {
    return this.index.search(query);
  }

  /** In the caller's write: the peer's locations, then its row. */
  private deletePeer(peerId: string): string[] | undefined {
    const peer = this.peers.ref(peerId);
    if (!peer) return undefined;
    const removed = this.locations.removeAll(peer);
    this.peers.delete(peer, peerId);
    return removed;
  }
}
