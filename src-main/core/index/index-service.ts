// The index role's logic: registrations with session tokens, heartbeats, incremental file
// updates, peer health (online → offline → removed), reputation, search and the best source.
// Storage is the IndexStore's; HTTP is index-server.ts's; this file decides.
import type { Logger } from 'pino';
import type { IndexEventMap } from '../../../src-shared/api/index-events.js';
import type {
  AddressReceipt,
  IndexPeer,
  IndexStats,
  SearchQuery,
  SearchResponse,
  SearchResult,
  Topology,
} from '../../../src-shared/api/index-routes.js';
import type { z } from 'zod';
import type {
  fileUpdateRequestSchema,
  heartbeatRequestSchema,
  registerRequestSchema,
  transferReportSchema,
} from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { EventBus } from '../events/event-bus.js';
import { throttle } from '../events/throttle.js';
import { withAllowedSources } from './allowed-sources.js';
import { HeartbeatBuffer } from './heartbeat-buffer.js';
import type { IndexStore } from './index-store.js';
import type { PeerStanding } from './store/peer-registry.js';
import { RateCounter } from './rate-counter.js';
import { PAIR_WINDOW_MS, REPORTS_PER_HOUR, reportEffect, reportWeight, reputationDelta } from './reputation.js';
import { addressKey } from './address-keys.js';
import { Referrals } from './referrals.js';
import { RegistrationGate } from './registration-gate.js';
import { proveSizeByPieceList, SizeChecks, type SizeProver } from './size-proof.js';
import { newSessionToken, sessionMatches } from './session-tokens.js';
import { PROTOCOL_VERSION } from '../../../src-shared/api/protocol.js';
import { registrationStatement, signedBy } from '../identity/signed-statement.js';
import { callBackAddress, type AddressChecker } from './address-check.js';
import type { AddressReceipts } from './address-receipts.js';
import { hostForUrl } from '../net/host-for-url.js';
import { RegistrationChallenges } from './registration-challenges.js';
import { WriteTurns } from './write-turns.js';
import { ReplicaStore } from './replica-store.js';

export interface IndexSettings {
  heartbeatIntervalMs: number;
  cleanupIntervalMs: number;
  maxPeers: number;
  /** Peers kept registered from one address (claimed or observed, IPv6 by /64); 0 or absent: no limit. */
  maxPeersPerAddress?: number;
  /** Registrations one address may make a minute; 0 or absent: no limit. */
  maxRegistrationsPerAddress?: number;
  /** Files one peer may list; absent: no limit. */
  maxFilesPerPeer?: number;
  /** Files the peers of one address may list in all (claimed or observed); 0 or absent: no limit. */
  maxFilesPerAddress?: number;
  /** How long an identity must be known before its reports count fully; absent: a day. */
  reporterMaturityMs?: number;
  /** The largest request body the index port reads; absent: 8 MB (index-server.ts). */
  maxRequestBodyBytes?: number;
}

/** super_peer.reporter_maturity's default. */
const DEFAULT_REPORTER_MATURITY_MS = 24 * 3_600_000;
/** Reports older than this are forgotten at most this often. */
const REPORT_PRUNE_EVERY_MS = 60_000;

export interface IndexServiceOptions {
  store: IndexStore;
  /**
   * Whether the source at `downloadUrl` sends a piece list that proves `size` for `fileId`
   * (size-proof.ts; tests pass their own): how the index settles sources' conflicting sizes.
   */
  proveSize?: SizeProver;
  /** Calls a registering peer back at the address it claims (address-check.ts; tests pass their own). */
  checkAddress?: AddressChecker;
  /** Signs address receipts and believes fresh ones instead of calling back (address-receipts.ts); absent: always calls back. */
  receipts?: AddressReceipts;
  bus: EventBus<IndexEventMap>;
  logger: Logger;
  settings: IndexSettings;
  indexId: string;
  now?: () => number;
  /** This node's access control (issue 14): blocked devices and networks, and the devices it has seen. */
  access?: IndexAccess;
}

/** A peer silent for this many heartbeat intervals is offline. */
const MISSED_HEARTBEATS = 3;
const RECENT_TRANSFERS = 200;
/**
 * Buffered heartbeats reach SQLite this often. A quarter second keeps each transaction small
 * (about 2 ms for the 250 heartbeats 10,000 peers send meanwhile, against 6 to 20 ms for a
 * second's worth), so a search never waits long behind one.
 */
const HEARTBEAT_FLUSH_MS = 250;
/**
 * Files one federation member's peers may list in this store in all: the million an index is
 * built for (docs/benchmarks.md, search at 1,000,000 files). A member is anyone that answers as an
 * index server, so its copy is bounded like a stranger's registrations are.
 */
const MAX_MEMBER_FILES = 1_000_000;
/** Sources read at once while looking for the best one this node's access control allows. */
const BEST_SOURCE_PAGE = 100;

/** What the index asks the node's access control (access/index-access.ts). */
export interface IndexAccess {
  /** Why this peer may not register here (a blocked device, or a claimed address in a blocked network), or undefined. */
  registrationRefusal(peerId: string, address: string): ShoalError | undefined;
  /** Whether a source may be listed (its address is in no blocked network, its device is not blocked). */
  sourceAllowed(source: { url: string; peerId: string }): boolean;
  /** A peer proved its key by registering. */
  seen(peerId: string, name: string, address: string): void;
}

export class IndexService {
  private readonly now: () => number;
  private readonly startedAt: number;
  private registrations = 0;
  private readonly searches: RateCounter;
  private readonly heartbeats: RateCounter;
  private readonly recentTransfers: { from: string; to: string; bytes: number }[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private sweepEveryMs = 0;
  private lastSweepAt = 0;
  private skippedLastSweep = false;
  private readonly beats = new HeartbeatBuffer();
  private readonly writes = new WriteTurns();
  private readonly challenges: RegistrationChallenges;
  private readonly checkAddress: AddressChecker;
  private readonly registrationGate: RegistrationGate;
  private readonly reportGate: RegistrationGate;
  private readonly referrals: Referrals;
  private readonly sizeChecks: SizeChecks;
  private lastReportPrune = 0;
  private readonly publishStats;
  /** Federation members' peers copied here, and this index's own feed for them (replica-store.ts). */
  readonly replicas: ReplicaStore;

  constructor(private readonly o: IndexServiceOptions) {
    this.now = o.now ?? Date.now;
    this.startedAt = this.now();
    this.searches = new RateCounter(this.now);
    this.heartbeats = new RateCounter(this.now);
    this.challenges = new RegistrationChallenges(this.now);
    this.checkAddress = o.checkAddress ?? callBackAddress;
    this.registrationGate = new RegistrationGate(o.settings.maxRegistrationsPerAddress ?? 0, this.now);
    this.reportGate = new RegistrationGate(REPORTS_PER_HOUR / 60, this.now, REPORTS_PER_HOUR);
    this.referrals = new Referrals(this.now);
    this.sizeChecks = new SizeChecks(o.store, o.proveSize ?? proveSizeByPieceList, o.logger);
    this.publishStats = throttle(() => this.o.bus.publish('stats_update', this.stats()), 500);
    this.replicas = new ReplicaStore({
      store: o.store, writes: this.writes, bus: o.bus, now: this.now,
      bounds: () => ({ maxReplicas: o.settings.maxPeers, maxFiles: o.settings.maxFilesPerPeer ?? Infinity, maxMemberFiles: MAX_MEMBER_FILES }),
    });
  }

  /** This index server's node id. */
  get indexId(): string {
    return this.o.indexId;
  }

  get heartbeatIntervalMs(): number {
    return this.o.settings.heartbeatIntervalMs;
  }

  /**
   * Starts the health sweep and the heartbeat flush. Sessions from before a restart are void:
   * peers register again with their full list. Resolves before the index may serve.
   */
  async start(): Promise<void> {
    this.o.store.forgetSessions();
    await this.o.store.markAllOffline();
    const every = Math.max(50, Math.min(5000, Math.floor(this.o.settings.heartbeatIntervalMs / 2)));
    this.sweepEveryMs = every;
    this.lastSweepAt = this.now();
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
    this.flusher = setInterval(() => this.flushHeartbeats(), Math.min(HEARTBEAT_FLUSH_MS, every));
    this.flusher.unref();
  }

  stop(): void {
    this.sizeChecks.stop();
    clearInterval(this.sweeper);
    clearInterval(this.flusher);
    this.writes.flush();
    this.flushHeartbeats();
    this.publishStats.cancel();
  }

  /** Writes the buffered heartbeats (one transaction). */
  flushHeartbeats(): void {
    if (this.beats.size > 0) this.o.store.touchOnlinePeers(this.beats.drain());
  }

  challenge() {
    return { indexId: this.o.indexId, challenge: this.challenges.issue() };
  }

  /**
   * Counts a registration from `observedAddress` as it arrives, before its body is read (the
   * index server calls this): 0 when admitted, else the seconds to put in Retry-After with a 429.
   */
  admitRegistration(observedAddress: string): number {
    return this.registrationGate.take(addressKey(observedAddress));
  }

  /**
   * A peer joins, or comes back: it proves it holds the key its id names (a signature over a
   * fresh challenge of ours), and the index calls it back at the address it claims before listing
   * it, so nobody can take over another's entry or point downloaders at someone else's machine.
   */
  async register(body: z.output<typeof registerRequestSchema>, observedAddress: string) {
    if (body.protocol !== PROTOCOL_VERSION) {
      throw new ShoalError('PROTOCOL_MISMATCH', `This peer runs ${body.protocol < PROTOCOL_VERSION ? 'an older' : 'a newer'} Shoal (protocol ${body.protocol}); this index server speaks protocol ${PROTOCOL_VERSION}. Update Shoal to share on this network.`);
    }
    const spent = this.challenges.redeem(body.challenge);
    if (spent === 'busy') throw new ShoalError('SERVICE_UNAVAILABLE', 'Too many registrations at once; try again in a minute.');
    if (spent !== 'ok') throw new ShoalError('CHALLENGE_INVALID', `The challenge is ${spent === 'malformed' ? 'not one of this index server\u2019s' : spent}; ask for a new one.`);
    const signed = registrationStatement({ indexId: this.o.indexId, challenge: body.challenge, peerId: body.peerId, address: body.address, port: body.port });
    if (!signedBy(body.peerId, signed, body.signature)) throw new ShoalError('SIGNATURE_INVALID');
    this.checkFileCount(body.files.length);
    const address = (body.address ?? observedAddress).toLowerCase();
    const refused = this.o.access?.registrationRefusal(body.peerId, address);
    if (refused) throw refused;
    const keys = { addressKey: addressKey(address), sourceKey: addressKey(observedAddress) };
    const known = ownStanding(this.o.store.peerStanding(body.peerId));
    this.checkRoom(known, keys);
    this.checkAddressFiles(known, keys, body.files.length, () => body.files.length);
    // A fresh receipt (ours, or a federation member's) says this node was reached there already.
    if (!this.o.receipts?.spares(body.receipt, body.peerId, address, body.port)) {
      const reached = await this.checkAddress(body.peerId, address, body.port);
      if (!reached.ok) throw new ShoalError('ADDRESS_UNREACHABLE', `${reached.reason}. Others could not download from it either: open the port to the network, or set peer.host / the address it registers.`);
    }
    const { token, hash } = newSessionToken();
    const { added, removed } = await this.writes.run(() => {
      this.checkRoom(ownStanding(this.o.store.peerStanding(body.peerId)), keys); // the call-back took a while: others (or this peer) may have joined meanwhile
      return this.o.store.registerPeer({
        peerId: body.peerId, name: body.name, address, port: body.port, sessionHash: hash, now: this.now(), files: body.files,
        sourceAddress: observedAddress, ...keys,
      });
    });
    this.registrations++;
    this.sizeChecks.checkConflicts();
    this.o.access?.seen(body.peerId, body.name, address);
    const peer = this.o.store.getPeer(body.peerId);
    if (peer) this.o.bus.publish('peer_registered', peer);
    this.publishFileChanges(body.peerId, added, removed);
    this.publishStats();
    const receipt = this.o.receipts?.issue(body.peerId, address, body.port);
    return { peerId: body.peerId, indexId: this.o.indexId, sessionToken: token, heartbeatIntervalMs: this.heartbeatIntervalMs, address, protocol: PROTOCOL_VERSION, ...(receipt ? { receipt } : {}) };
  }

  /**
   * Room for this peer: in all (max_peers), and at its addresses (max_peers_per_address, the
   * claimed and the observed one each), so that one address cannot fill the index.
   */
  private checkRoom(known: PeerStanding | undefined, keys: { addressKey: string; sourceKey: string }): void {
    if (!known && this.o.store.counts().peersTotal >= this.o.settings.maxPeers) throw new ShoalError('INDEX_FULL');
    const max = this.o.settings.maxPeersPerAddress ?? 0;
    if (max <= 0) return;
    for (const key of new Set([keys.addressKey, keys.sourceKey])) {
      if (known && (known.addressKey === key || known.sourceKey === key)) continue; // it is counted there already
      if (this.o.store.peersAtAddress(key) >= max) {
        throw new ShoalError('TOO_MANY_PEERS', `This index server keeps at most ${max} peers from one address (super_peer.max_peers_per_address), and ${key} has that many.`);
      }
    }
  }

  /**
   * Room for this peer's files at its addresses (max_files_per_address): what the other peers
   * there list, plus what this one would (at most `upper`; `exact()` is asked only when that fails).
   * `known`: the peer as the index has it already (undefined: new here).
   */
  private checkAddressFiles(known: PeerStanding | undefined, keys: { addressKey: string; sourceKey: string }, upper: number, exact: () => number): void {
    const max = this.o.settings.maxFilesPerAddress ?? 0;
    if (max <= 0) return;
    const own = known?.fileCount ?? 0;
    let wanted: number | undefined;
    for (const key of new Set([keys.addressKey, keys.sourceKey])) {
      const others = this.o.store.filesAtAddress(key) - (known && (known.addressKey === key || known.sourceKey === key) ? own : 0);
      if (others + upper <= max) continue;
      wanted ??= exact();
      if (others + wanted > max) {
        throw new ShoalError('TOO_MANY_FILES', `This index server lists at most ${max} files from one address (super_peer.max_files_per_address); the peers at ${key} list ${others}, and this one would add ${wanted}.`);
      }
    }
  }

  private checkFileCount(count: number): void {
    const max = this.o.settings.maxFilesPerPeer;
    if (max !== undefined && count > max) {
      throw new ShoalError('TOO_MANY_FILES', `This index server lists at most ${max} files of one peer (super_peer.max_files_per_peer); this peer would have ${count}. Share fewer files, or use an index server that allows more.`);
    }
  }

  heartbeat(sessionToken: string | undefined, body: z.output<typeof heartbeatRequestSchema>) {
    const wasOnline = this.authenticate(sessionToken, body.peerId).status === 'online';
    // Earned by time (one interval's worth at most), not by count: a peer heartbeating faster than asked earns no more.
    const beat = { now: this.now(), activeUploads: body.activeUploads, freeUploadSlots: body.freeUploadSlots, reputationDelta: reputationDelta.heartbeat, earnedOverMs: this.heartbeatIntervalMs };
    this.heartbeats.add();
    if (wasOnline) {
      this.beats.add(body.peerId, beat); // the common case: written with the others within a second
    } else {
      this.o.store.touchPeer(body.peerId, beat.now, beat); // back online now: its files count again at once
      this.publishStats();
    }
    return { ok: true as const, heartbeatIntervalMs: this.heartbeatIntervalMs, ...(body.renewReceipt ? this.renewedReceipt(body.peerId) : {}) };
  }

  /** A new receipt for a registered peer at the address this index lists it at. */
  private renewedReceipt(peerId: string): { receipt?: AddressReceipt } {
    const receipts = this.o.receipts;
    const peer = receipts ? this.o.store.getPeer(peerId) : undefined;
    return receipts && peer ? { receipt: receipts.issue(peerId, peer.address, peer.port) } : {};
  }

  /**
   * A peer leaves for good: offline, and its files are no longer its (a file only it held leaves
   * the index, and its names and sizes stop counting). Its identity (reputation, age) stays until
   * the cleanup removes it; if it comes back, it registers its files again.
   */
  unregister(sessionToken: string | undefined, peerId: string) {
    this.authenticate(sessionToken, peerId);
    this.o.store.markOffline([peerId], { forgetSession: true });
    const { removed } = this.o.store.replacePeerFiles(peerId, [], this.now());
    this.o.bus.publish('peer_offline', { peerId });
    if (removed.length > 0) this.o.bus.publish('file_removed', { fileIds: removed });
    this.publishStats();
    return { ok: true as const };
  }

  updateFiles(sessionToken: string | undefined, body: z.output<typeof fileUpdateRequestSchema>) {
    this.authenticate(sessionToken, body.peerId);
    const max = this.o.settings.maxFilesPerPeer;
    const addedIds = body.added.map((f) => f.id);
    if (max !== undefined) this.checkFileCount(this.o.store.fileCountAfter(body.peerId, addedIds, body.removed, max));
    const standing = this.o.store.peerStanding(body.peerId);
    if (standing && addedIds.length > 0) {
      const upper = standing.fileCount + addedIds.length;
      this.checkAddressFiles(standing, standing, upper, () => this.o.store.fileCountAfter(body.peerId, addedIds, body.removed, -1));
    }
    const added = this.o.store.addPeerFiles(body.peerId, body.added);
    const removed = this.o.store.removePeerFiles(body.peerId, body.removed);
    this.sizeChecks.checkConflicts();
    this.o.store.touchPeer(body.peerId, this.now(), {});
    this.publishFileChanges(body.peerId, added, removed);
    this.publishStats();
    return { ok: true as const, files: this.o.store.getPeer(body.peerId)?.fileCount ?? 0 };
  }

  /**
   * A downloader's report on a source. It moves the source's reputation only as far as the index
   * can believe it (reputation.ts): once per (reporter, source, file, download), only where the
   * index itself sent the reporter to that source for that file (referrals.ts), at most
   * REPORTS_PER_HOUR an hour per reporter (429 beyond; `retryAfter` gets the seconds), weighted by
   * the reporter's standing and age, and at most PAIR_CAP points per reporter and source a day.
   */
  reportTransfer(sessionToken: string | undefined, body: z.output<typeof transferReportSchema>, retryAfter?: (seconds: number) => void) {
    this.authenticate(sessionToken, body.peerId);
    if (!this.o.store.getPeer(body.sourcePeerId)) throw new ShoalError('PEER_UNKNOWN', 'The reported source is not registered here.');
    if (body.sourcePeerId === body.peerId) throw new ShoalError('BAD_REQUEST', 'A peer cannot report on itself.');
    const reporter = this.o.store.peerStanding(body.peerId);
    if (!reporter) throw new ShoalError('PEER_UNKNOWN');
    const wait = this.reportGate.take(body.peerId);
    if (wait > 0) {
      retryAfter?.(wait);
      throw new ShoalError('RATE_LIMITED', `A peer may report ${REPORTS_PER_HOUR} transfers an hour; try again in ${wait} s.`);
    }
    const key = { reporter: body.peerId, subject: body.sourcePeerId, fileId: body.fileId, downloadId: body.downloadId ?? '' };
    const ignored = (reason: string) => ({ ok: true as const, counted: false, weight: 0, effect: 0, reason });
    if (this.o.store.reportCounted(key)) return ignored('this download\u2019s report on this source has counted already');
    if (!this.referrals.use([reporter.addressKey, reporter.sourceKey], body.fileId, body.sourcePeerId)) {
      return ignored('this index server did not send this peer to that source for that file lately');
    }
    const now = this.now();
    const weight = reportWeight({ reputation: reporter.reputation, ageMs: now - reporter.firstSeen }, this.o.settings.reporterMaturityMs ?? DEFAULT_REPORTER_MATURITY_MS);
    const effect = reportEffect(body.outcome, weight, this.o.store.reporterEffectOn(body.peerId, body.sourcePeerId, now - PAIR_WINDOW_MS));
    const failure = body.outcome !== 'verified';
    this.o.store.adjustReputation(body.sourcePeerId, effect, { failure, failureWeight: weight });
    this.o.store.recordReport({ ...key, at: now, effect });
    if (!failure && weight > 0) {
      this.recentTransfers.push({ from: body.sourcePeerId, to: body.peerId, bytes: body.bytes });
      if (this.recentTransfers.length > RECENT_TRANSFERS) this.recentTransfers.shift();
    }
    return { ok: true as const, counted: true, weight: round3(weight), effect: round3(effect) };
  }

  search(query: SearchQuery): SearchResponse {
    this.searches.add();
    const answer = this.o.store.search(query);
    const access = this.o.access;
    return access ? { ...answer, items: answer.items.map((r) => withAllowedSources(r, (src) => access.sourceAllowed(src))) } : answer;
  }

  listFiles(offset: number, limit: number, idPrefix?: string): SearchResponse {
    return this.o.store.listFiles({ offset, limit, idPrefix });
  }

  listPeers(offset: number, limit: number, status?: 'online' | 'offline'): { items: IndexPeer[]; total: number } {
    this.flushHeartbeats(); // exact last-seen times and loads
    return this.o.store.listPeers({ offset, limit, status });
  }

  /** One file with all its online sources (up to a few hundred), best first. */
  getFile(fileId: string): SearchResult {
    const file = this.o.store.getFile(fileId);
    if (!file) throw new ShoalError('FILE_NOT_FOUND');
    const access = this.o.access;
    return access ? withAllowedSources(file, (src) => access.sourceAllowed(src)) : file;
  }

  /**
   * getFile for a downloader at `requesterAddress`: the index remembers which sources it handed
   * out, so that reports on them can count (referrals.ts).
   */
  lookupFile(fileId: string, requesterAddress: string): SearchResult {
    const file = this.getFile(fileId);
    this.referrals.record(addressKey(requesterAddress), fileId, file.sources.map((s) => s.peerId));
    return file;
  }

  /** The download address of the best online source, for the redirect. */
  bestSource(fileId: string): string {
    if (!this.o.store.hasFile(fileId)) throw new ShoalError('FILE_NOT_FOUND');
    const access = this.o.access;
    if (!access) {
      const [best] = this.o.store.sourcesOf(fileId, 1);
      if (!best) throw new ShoalError('NO_SOURCE_ONLINE');
      return best.url;
    }
    // Page through them, best first: the best allowed source may be past the first page.
    for (let offset = 0; ; offset += BEST_SOURCE_PAGE) {
      const page = this.o.store.sourcesOf(fileId, BEST_SOURCE_PAGE, offset);
      const best = page.find((s) => access.sourceAllowed(s));
      if (best) return best.url;
      if (page.length < BEST_SOURCE_PAGE) throw new ShoalError('NO_SOURCE_ONLINE');
    }
  }

  stats(): IndexStats {
    const c = this.o.store.counts();
    return {
      peersOnline: c.peersOnline, peersTotal: c.peersTotal, uniqueFiles: c.uniqueFiles,
      availableFiles: c.availableFiles, totalBytes: c.availableBytes,
      searchesPerMinute: this.searches.perMinute(), heartbeatsPerMinute: this.heartbeats.perMinute(),
      registrations: this.registrations, uptimeSeconds: Math.round((this.now() - this.startedAt) / 1000),
    };
  }

  topology(indexName: string): Topology {
    const peers = this.o.store.listPeers({ offset: 0, limit: 5000 }).items;
    const known = new Set(peers.map((p) => p.peerId));
    const edges: Topology['edges'] = peers
      .filter((p) => p.status === 'online')
      .map((p) => ({ source: p.peerId, target: this.o.indexId, kind: 'registration' as const }));
    const transfers = new Map<string, { source: string; target: string; bytes: number }>();
    for (const t of this.recentTransfers) {
      if (!known.has(t.from) || !known.has(t.to)) continue;
      const key = `${t.from}>${t.to}`;
      const edge = transfers.get(key) ?? { source: t.from, target: t.to, bytes: 0 };
      edge.bytes += t.bytes;
      transfers.set(key, edge);
    }
    for (const edge of transfers.values()) edges.push({ ...edge, kind: 'transfer' });
    const stats = this.stats();
    return {
      nodes: [
        { id: this.o.indexId, role: 'index', name: indexName, status: 'online', fileCount: stats.uniqueFiles, reputation: 100 },
        // The address it registered (called back before it was listed), as public as in GET /peers.
        ...peers.map((p) => ({ id: p.peerId, role: 'peer' as const, name: p.name, status: p.status, fileCount: p.fileCount, reputation: p.reputation, address: `${hostForUrl(p.address)}:${p.port}` })),
      ],
      edges,
    };
  }

  /** Peers silent for 3 intervals go offline; an offline one last heard from over cleanup_interval ago is removed (counted from its last heartbeat, not from going offline). */
  sweep(): void {
    this.flushHeartbeats(); // last-seen times in the tables must be current before judging silence
    const now = this.now();
    // A sweep that runs late means the index itself was stalled (a long write, a slow disk): the
    // heartbeats of that time still wait in socket buffers, unread. Judging silence now would take
    // healthy peers offline, and reviving them all costs more stalls; the next sweep on time decides.
    // Never twice in a row: an index that is always late must still find silent peers.
    const stalled = this.sweepEveryMs > 0 && now - this.lastSweepAt > 2 * this.sweepEveryMs && !this.skippedLastSweep;
    this.skippedLastSweep = stalled;
    this.lastSweepAt = now;
    const silent = stalled ? [] : this.o.store.peersSilentSince(now - MISSED_HEARTBEATS * this.heartbeatIntervalMs);
    if (silent.length > 0) {
      this.o.store.markOffline(silent, { forgetSession: false });
      for (const peerId of silent) this.o.bus.publish('peer_offline', { peerId });
    }
    const gone = this.o.store.removePeersOfflineSince(now - this.o.settings.cleanupIntervalMs);
    for (const { peerId, removedFileIds } of gone) {
      this.o.bus.publish('peer_removed', { peerId });
      if (removedFileIds.length > 0) this.o.bus.publish('file_removed', { fileIds: removedFileIds });
    }
    this.o.store.decayReputations(now);
    if (now - this.lastReportPrune >= REPORT_PRUNE_EVERY_MS) {
      this.lastReportPrune = now;
      this.o.store.forgetReportsBefore(now - PAIR_WINDOW_MS);
      this.o.store.forgetOldRemovals();
    }
    if (silent.length > 0 || gone.length > 0) this.publishStats();
  }

  private authenticate(sessionToken: string | undefined, peerId: string): { status: 'online' | 'offline' } {
    const peer = this.o.store.getPeerSession(peerId);
    if (!peer) throw new ShoalError('PEER_UNKNOWN');
    if (!sessionMatches(sessionToken, peer.sessionHash)) throw new ShoalError('SESSION_INVALID');
    return peer;
  }

  private publishFileChanges(peerId: string, added: string[], removed: string[]): void {
    if (added.length > 0) this.o.bus.publish('file_registered', { peerId, fileIds: added });
    if (removed.length > 0) this.o.bus.publish('file_removed', { fileIds: removed });
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** A peer as registered here: a federation member's peer copied here registers as new (it counts toward max_peers from now on). */
function ownStanding(standing: PeerStanding | undefined): PeerStanding | undefined {
  return standing?.replica ? undefined : standing;
}
