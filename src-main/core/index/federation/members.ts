// The index servers this one federates with: configured (`super_peer.federation`), found on the
// LAN (DNS-SD), and learned from each other (each answers GET /api/v1/federation, the index
// servers it knows, as eMule servers exchange server lists). A learned address is only a thing
// to try: it becomes a member once it answered that route itself, with an index id other than
// ours; a learned one that fails 3 times in a row is forgotten. Bounded: at most MAX_LEARNED learned.
// An address in a network this node blocks (or outside those it allows) is never contacted,
// whoever named it: not learned, not probed, no query forwarded to it (`allows`). The same for an
// index server whose node id is a device the user blocked (`blocked`): one another server lists
// with that id is not learned; one whose id is known (it proved it, or the LAN named it) is not
// probed, gets no query and is not passed on, from the moment it is blocked; one that proves a
// blocked id when first probed is dropped there (its list unread). Its own calls to this index
// are refused by the access gate (403 DEVICE_BLOCKED, by its TLS key). A learned one dropped so
// is remembered (bounded) and not learned again while its id stays blocked.
// An id a server is named with (the LAN's word, the one given with its address, another server's
// list) is only a claim (`claimedId`): enough to leave a blocked one alone, never passed on. Its
// `indexId` is what it proved; only proved ids go into our list and the topology.
// A configured or added server may be given with its node id (`host:port#NODEID`, index-address.ts):
// it is asked over TLS for that id alone, so another node at that address is refused
// (PEER_IDENTITY_MISMATCH, shown in Settings) and never a member; without an id, the id an
// address proves first is pinned (the dialer's index pins, kept in the node state). A learned
// server is not pinned there: other servers' lists must not fill (and churn) that table, where
// the user's own index servers are pinned. The id it proves first is kept in its member record
// alone, in memory, and asked for at every contact.
import { federationRoutes, MAX_LISTED_INDEX_SERVERS, type FederatedIndexServer } from '../../../../src-shared/api/federation.js';
import { HOST_PORT } from '../../../../src-shared/api/common.js';
import { canonicalHostPort, splitIndexAddress } from '../../../../src-shared/api/index-address.js';
import { attempt, nodeApiClient, type NodeCallOptions } from '../../net/contract-transport.js';
import type { NodeDialer } from '../../net/node-dialer.js';
import { hostForUrl } from '../../net/host-for-url.js';

export type MemberOrigin = 'configured' | 'lan' | 'learned';

export interface Member {
  address: string;
  origin: MemberOrigin;
  /** Its node id, as it proved it (over TLS; its own word in plain HTTP): null until it answered. */
  indexId: string | null;
  /** The id it was named with, unproved (given with its address, the LAN's word, another server's list): only to leave a blocked one alone. */
  claimedId: string | null;
  /** When it last answered (ms since the epoch). */
  lastSeen: number | null;
  /** Failed probes in a row. */
  failures: number;
  lastTried: number | null;
  /** The id given with its configured address (`host:port#NODEID`): the only one accepted there. */
  givenId: string | null;
  /** Another id it proved when last asked than the one it must (given, or proved before by a learned one): it was refused. */
  presented: string | null;
  /** The ids of the index servers its last list named (null: not asked yet): whether it knows servers this one does not. */
  knows: string[] | null;
}

export interface MembersOptions {
  selfId: string;
  /** super_peer.federation plus those added in Settings: `host:port` or `host:port#NODEID`. */
  configured: () => readonly string[];
  /** Index servers found on the LAN. */
  lan: () => readonly { address: string; indexId: string }[];
  /** This index server's port (for the `port` it gives when asking: others try it back). */
  ownPort: () => number | null;
  /** How to call other index servers: over TLS when encryption is on (an address is pinned to the id it proves first). */
  dialer?: NodeDialer;
  /**
   * Whether `host:port` may be contacted: the network filter, as for peers' addresses (a host name
   * is not believed while a list is in force). Asked at every use, so a change in Settings applies
   * at once. Default: every address.
   */
  allows?: (address: string) => boolean;
  /** Whether a node id is a device the user blocked (access/devices.ts); asked at every use. Default: none. */
  blocked?: (nodeId: string) => boolean;
  /** Learn addresses from other servers' lists and from servers that ask (super_peer.federation_learn). */
  learn?: boolean;
  probeTimeoutMs?: number;
  /** The longest wait before a failed server is tried again (the gossip interval). */
  retryMaxMs?: number;
  now?: () => number;
  onChange?: () => void;
}

/** Learned addresses kept at most (each is probed every round). */
export const MAX_LEARNED = 64;
/** A list answer is read up to this many bytes. */
const MAX_LIST_BYTES = 64 * 1024;
const MAX_FAILURES = 3;
/** An address is probed at most once this often, however often it is named. */
const MIN_PROBE_GAP_MS = 5_000;
const PROBE_CONCURRENCY = 8;
/** Learned servers dropped for a blocked id, remembered at most (the least recently dropped go first). */
const MAX_DROPPED = 64;

export class FederationMembers {
  private readonly state = new Map<string, Member>();
  private readonly now: () => number;
  private probing = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Probes waiting for their time: a retry after a failure, or a caller tried back within the gap. */
  private readonly retries = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  /** Learned addresses dropped for a blocked id (address → that id): not learned again while it stays blocked. */
  private readonly dropped = new Map<string, string>();
  private running = false;
  /** The federation routes, over TLS to the id each server proved first when encryption is on. */
  private readonly api;

  /** This index server's own id (never a member). */
  get selfId(): string {
    return this.o.selfId;
  }

  constructor(private readonly o: MembersOptions) {
    this.now = o.now ?? Date.now;
    this.api = nodeApiClient(federationRoutes, o.dialer);
  }

  /** Every known index server (not this one), configured first, then the LAN's, then learned. */
  all(): Member[] {
    const out = new Map<string, Member>();
    const take = (address: string, origin: MemberOrigin, indexId: string | null = null, givenId: string | null = null) => {
      const key = canonical(address);
      if (!key || out.has(key)) return;
      let m = this.state.get(key);
      // A server given another id (or none now) starts over: it joins once it proves the new one.
      if (!m || m.givenId !== givenId) {
        // The LAN's word for its id (or the id given): enough to leave a blocked one alone, not to trust or pass on.
        m = { address: key, origin, indexId: null, claimedId: givenId ?? indexId, lastSeen: null, failures: 0, lastTried: null, givenId, presented: null, knows: null };
        this.state.set(key, m);
      } else {
        if (rank(origin) < rank(m.origin)) m.origin = origin;
        if (indexId !== null) m.claimedId = indexId; // the LAN's latest word
      }
      out.set(key, m);
    };
    for (const a of this.o.configured()) {
      const { address, nodeId } = splitIndexAddress(a);
      take(address, 'configured', null, nodeId ?? null);
    }
    for (const found of this.o.lan()) if (found.indexId !== this.o.selfId) take(found.address, 'lan', found.indexId);
    for (const m of this.state.values()) if (m.origin === 'learned') take(m.address, 'learned');
    // Forget entries that are neither configured, on the LAN nor learned any more.
    for (const key of [...this.state.keys()]) if (!out.has(key)) this.state.delete(key);
    return [...out.values()].filter((m) => m.indexId !== this.o.selfId && m.claimedId !== this.o.selfId);
  }

  /**
   * Those that answered their last probe, one address per index id: where queries are forwarded.
   * Never one at an address blocked since, nor one whose id was blocked since (before its next probe finds it so).
   */
  active(): Member[] {
    const ids = new Set<string>();
    return this.all().filter((m) => {
      if (m.lastSeen === null || m.failures > 0 || m.indexId === null || ids.has(m.indexId) || this.refuses(m)) return false;
      ids.add(m.indexId);
      return true;
    });
  }

  /** What GET /api/v1/federation answers: those that answered us, then the configured ones. */
  list(): FederatedIndexServer[] {
    return this.all()
      // A configured one that has not answered yet is listed without an id (its given one is not proved).
      .filter((m) => (m.lastSeen !== null || m.origin === 'configured') && this.passesOn(m))
      .sort((a, b) => (b.lastSeen ?? 0) - (a.lastSeen ?? 0))
      .slice(0, MAX_LISTED_INDEX_SERVERS)
      .map((m) => ({ address: m.address, indexId: m.indexId, lastSeen: m.lastSeen === null ? null : new Date(m.lastSeen).toISOString() }));
  }

  /** Probes every known server now, then every `intervalMs` (a gossip round). */
  start(intervalMs: number): void {
    this.stop();
    this.running = true;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const r of this.retries.values()) clearTimeout(r.timer);
    this.retries.clear();
  }

  /** Probes `m` in `delayMs` (once: a probe already due sooner stays). */
  private later(m: Member, delayMs: number): void {
    const due = this.now() + delayMs;
    const waiting = this.retries.get(m.address);
    if (!this.running || (waiting && waiting.due <= due)) return;
    if (waiting) clearTimeout(waiting.timer);
    const t = setTimeout(() => {
      this.retries.delete(m.address);
      if (this.state.get(m.address) === m) void this.probe(m, true);
    }, Math.max(0, delayMs));
    t.unref();
    this.retries.set(m.address, { timer: t, due });
  }

  private allows(address: string): boolean {
    return this.o.allows?.(address) ?? true;
  }

  /** Whether `nodeId` is a device the user blocked. */
  isBlockedId(nodeId: string | null): boolean {
    return nodeId !== null && (this.o.blocked?.(nodeId) ?? false);
  }

  /** Whether `m` is not to be contacted nor passed on: its network is blocked, or its id (proved, or only claimed) is a blocked device. */
  refuses(m: Pick<Member, 'address' | 'indexId' | 'claimedId'>): boolean {
    return !this.allows(m.address) || this.isBlockedId(m.indexId) || this.isBlockedId(m.claimedId);
  }

  /**
   * Whether `nodeId` is the proved id of a member that may be passed on, answering now or not (a
   * member that just died is the one whose receipts its peers bring: address-receipts.ts).
   */
  isMember(nodeId: string): boolean {
    return this.all().some((m) => m.indexId === nodeId && this.passesOn(m));
  }

  /**
   * Whether every index server `m` named in its last list is this one or one of ours: asking `m`
   * reaches no server this one would not reach itself (null: its list is not known).
   */
  knowsNoOthers(m: Member): boolean {
    if (m.knows === null) return false;
    const ours = new Set(this.all().flatMap((x) => (x.indexId ? [x.indexId] : [])));
    return m.knows.every((id) => id === this.o.selfId || ours.has(id));
  }

  /**
   * Whether `m` may be named to other nodes (GET /api/v1/federation, the topology): not refused,
   * and not caught proving another id than the one it must. Only its proved id (`indexId`) goes with it.
   */
  passesOn(m: Member): boolean {
    return m.presented === null && !this.refuses(m);
  }

  /**
   * Addresses to try (from another server's list, with the id it gives, or a server that asked
   * us); true when new.
   */
  learn(address: string, indexId: string | null = null): boolean {
    if (this.o.learn === false) return false;
    const key = canonical(address);
    // A blocked address or id takes no learned slot: it would never be tried.
    if (!key || this.state.has(key) || this.refuses({ address: key, indexId: null, claimedId: indexId }) || this.droppedAsBlocked(key)) return false;
    const learned = [...this.state.values()].filter((m) => m.origin === 'learned');
    if (learned.length >= MAX_LEARNED) {
      // Room is made only by a learned entry that never answered; members that work are kept.
      const idle = learned.filter((m) => m.lastSeen === null).sort((a, b) => (a.lastTried ?? 0) - (b.lastTried ?? 0))[0];
      if (!idle) return false;
      this.state.delete(idle.address);
    }
    this.state.set(key, { address: key, origin: 'learned', indexId: null, claimedId: indexId, lastSeen: null, failures: 0, lastTried: null, givenId: null, presented: null, knows: null });
    return true;
  }

  /** An index server asked us from `remote` and gave its index port: try it back. */
  learnCaller(remote: string, port: number): void {
    const address = canonical(`${hostForUrl(remote.startsWith('::ffff:') ? remote.slice(7) : remote)}:${port}`);
    if (!address) return;
    this.learn(address);
    // A server that asks is a server that works: try it back at once (at most every few seconds).
    const m = this.state.get(address);
    if (m && (m.lastSeen === null || m.failures > 0)) {
      const gap = m.lastTried === null ? 0 : m.lastTried + MIN_PROBE_GAP_MS - this.now();
      if (gap <= 0) void this.probe(m);
      else this.later(m, gap);
    }
  }

  /**
   * `m` is blocked: a learned one is forgotten (and, blocked by its id, remembered so the next list
   * naming it does not teach it again), a configured or LAN one shows as not answering.
   */
  private drop(m: Member): void {
    const wasActive = m.failures === 0 && m.lastSeen !== null;
    if (m.origin === 'learned') {
      this.state.delete(m.address);
      // A blocked network needs no note: its addresses are refused whenever they are named.
      const blockedId = [m.indexId, m.claimedId].find((id) => this.isBlockedId(id));
      if (blockedId) {
        this.dropped.delete(m.address);
        this.dropped.set(m.address, blockedId);
        if (this.dropped.size > MAX_DROPPED) this.dropped.delete(this.dropped.keys().next().value as string);
      }
    } else m.failures = Math.max(1, m.failures); // not answering: Settings says so
    if (wasActive) this.o.onChange?.();
  }

  /** Whether `address` was dropped for an id that is still blocked (once unblocked, it may be learned again). */
  private droppedAsBlocked(address: string): boolean {
    const id = this.dropped.get(address);
    if (id === undefined) return false;
    if (this.isBlockedId(id)) return true;
    this.dropped.delete(address);
    return false;
  }

  /** Asks every known server for its list (a gossip round). */
  async refresh(): Promise<void> {
    if (!this.running) return; // the index role is off: nobody to forward for
    const queue = this.all();
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) await this.probe(m);
    };
    await Promise.all(Array.from({ length: PROBE_CONCURRENCY }, worker));
  }

  /** Asks `m` for its list; `timed`: a scheduled retry, not held to the gap between probes. */
  private async probe(m: Member, timed = false): Promise<void> {
    const now = this.now();
    if (this.probing.has(m.address) || (!timed && m.lastTried !== null && now - m.lastTried < MIN_PROBE_GAP_MS)) return;
    if (this.refuses(m)) {
      // Blocked (its network or its id; configured, on the LAN, or blocked after it was learned):
      // not contacted. A learned one is forgotten; a configured or LAN one waits for the next
      // round, in case the lists change.
      this.drop(m);
      return;
    }
    this.probing.add(m.address);
    m.lastTried = now;
    const port = this.o.ownPort();
    try {
      const proof: NodeCallOptions['proof'] = {};
      // The id it must prove: the one given with it; for a learned one, the one it proved first
      // (kept here, in memory: learned servers are not written to the node's index pins).
      const must = m.givenId ?? (m.origin === 'learned' ? m.indexId : null);
      // Without one, a configured or LAN server is asked for its pin (the id it proved first, kept
      // in the node state); a learned one, for whoever it is (checked against its answer below).
      const expected = must ? { node: must } : m.origin === 'learned' ? 'any' : 'pinned';
      const answer = await attempt(this.api.federationServers({ query: { port: port || undefined } }, {
        address: m.address, expected, timeoutMs: this.o.probeTimeoutMs ?? 2_000, maxBytes: MAX_LIST_BYTES, proof,
      }));
      const wasActive = m.failures === 0 && m.lastSeen !== null;
      if (!answer.ok && must && answer.error.code === 'PEER_IDENTITY_MISMATCH') m.presented = answer.error.presented ?? null;
      // In plain HTTP (encryption off) nothing is proved: at least its own word must be the id it must have.
      const claimsOther = answer.ok && must !== null && answer.value.indexId !== must;
      if (claimsOther) m.presented = answer.value.indexId;
      if (!answer.ok || claimsOther) {
        m.failures++;
        if (m.origin === 'learned' && m.failures >= MAX_FAILURES) this.state.delete(m.address);
        // A configured or LAN server that is not up yet is tried again soon: 1 s, 2 s, 4 s, … up to a round.
        else this.later(m, Math.min(this.o.retryMaxMs ?? 60_000, 1000 * 2 ** Math.min(m.failures - 1, 10)));
        if (wasActive) this.o.onChange?.();
        return;
      }
      if (proof.nodeId !== undefined && proof.nodeId !== answer.value.indexId) {
        m.failures++; // it says it is one index server and holds the key of another: not a member
        return;
      }
      if (this.isBlockedId(answer.value.indexId)) {
        // It proved (or, in plain HTTP, claims) the id of a device the user blocked: not a member, its list unread.
        m.indexId = answer.value.indexId;
        this.drop(m);
        return;
      }
      m.failures = 0;
      m.lastSeen = this.now();
      m.indexId = answer.value.indexId;
      m.claimedId = null; // proved: another's word about it no longer counts (were it blocked, it would drop a member that is not)
      m.presented = null;
      m.knows = answer.value.servers.flatMap((s) => (s.indexId ? [s.indexId] : []));
      if (!wasActive) this.o.onChange?.();
      if (m.indexId === this.o.selfId) return; // ourselves, under another address: nothing to learn
      const fresh: Member[] = [];
      for (const s of answer.value.servers) {
        if (s.indexId === this.o.selfId) continue;
        if (this.learn(s.address, s.indexId)) fresh.push(this.state.get(canonical(s.address)!)!);
      }
      await Promise.all(fresh.slice(0, PROBE_CONCURRENCY).map((f) => this.probe(f)));
    } finally {
      this.probing.delete(m.address);
    }
  }
}

function rank(origin: MemberOrigin): number {
  return origin === 'configured' ? 0 : origin === 'lan' ? 1 : 2;
}

/**
 * `host:port` in its one spelling (canonicalHostPort: the dialer's and the pins'), or undefined
 * for anything else: a hostile list cannot fill the members with spellings of one server.
 */
export function canonical(address: string): string | undefined {
  const a = address.trim();
  const m = HOST_PORT.exec(a);
  if (!m || a.length > 300) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? canonicalHostPort(a) : undefined;
}
