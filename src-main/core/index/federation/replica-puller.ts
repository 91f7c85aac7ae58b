// Keeps replicas of every federation member's peers and file lists in this index's store, so that
// a search here answers from one store for the whole federation, and a member's peers failing over
// to this server are known already (their registration writes almost nothing). See
// docs/architecture.md, "Federation" (replicas, and forwarding where they do not reach).
//
// Pulled, not pushed: every `pollMs`, each active member whose id is proved is asked for the
// changes to its own peers after the last revision copied (GET /api/v1/federation/replica, one
// pull at a time per member, pages followed at once). A member's new epoch, or its `reset`, starts
// a full copy under a new generation; once it is complete, what it did not send again is removed.
//
// Nothing a member sends is believed beyond its bounds: the page's schema (replica-routes.ts), the
// index's bounds per member (its peers, their files: ReplicaBounds in index-store.ts), and only
// peers at an address a downloader may be sent to (as a forwarded answer's sources are checked:
// merge.ts) that this node's access control allows.
//
// A member that stops answering keeps its replicas for `graceMs` (3 heartbeat intervals): its
// peers move to other servers meanwhile, and no search misses their files while they do. Then
// the rest goes. A member whose node id the user blocks loses its copy at the next round.
import { replicaRoutes, type ReplicaPage } from '../../../../src-shared/api/replica-routes.js';
import { nodeApiClient, type NodeCallOptions } from '../../net/contract-transport.js';
import type { NodeDialer } from '../../net/node-dialer.js';
import type { SourceAllowed } from '../allowed-sources.js';
import type { ReplicaTarget } from '../replica-store.js';
import { peerBaseUrl } from '../source-ranking.js';
import type { FederationMembers, Member } from './members.js';
import { hostOfAddress, isLoopbackHost, isSourceHost } from './merge.js';

export interface ReplicaPullerOptions {
  members: FederationMembers;
  target: ReplicaTarget;
  dialer?: NodeDialer | undefined;
  /** This node's access control: a peer it would not list as a source is not copied. */
  sourceAllowed?: SourceAllowed | undefined;
  /** A pull round this often. */
  pollMs: number;
  /** How long a member that stopped answering keeps its replicas here. */
  graceMs: number;
  now?: () => number;
}

/** A page is read up to this many bytes (~20,000 files of usual names and tags, or one peer of 50,000). */
const MAX_PAGE_BYTES = 32 * 1024 * 1024;
const PULL_TIMEOUT_MS = 30_000;
/** Pages pulled from one member in a row before the others get their turn. */
const PAGES_PER_PULL = 20;
/** The longest wait after failed pulls (a member answering garbage costs a pull a minute). */
const MAX_RETRY_MS = 60_000;

/** What this index holds of one member's peers. */
interface Copy {
  /** The member's feed epoch this copy follows (undefined: none yet). */
  epoch: string | undefined;
  since: number;
  /** The generation of the full copy in progress or last completed. */
  gen: number;
  /** A full copy is in progress: replicas of older generations go when it completes. */
  copying: boolean;
  /** When the last pull reached the end of the member's feed (null: never, or since the last full copy began). */
  syncedAt: number | null;
  /** When the member last answered (or this copy was found in the store). */
  answeredAt: number;
  pulling: boolean;
  /** Failed pulls in a row: the next waits pollMs × 2^failures, at most MAX_RETRY_MS. */
  failures: number;
  retryAt: number;
}

export class ReplicaPuller {
  readonly stats = { pages: 0, peers: 0, removed: 0, refused: 0, failures: 0, dropped: 0 };
  private readonly copies = new Map<string, Copy>();
  private readonly api;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private lastGen = 0;
  private readonly dropping = new Set<string>();

  constructor(private readonly o: ReplicaPullerOptions) {
    this.now = o.now ?? Date.now;
    this.api = nodeApiClient(replicaRoutes, o.dialer);
  }

  start(): void {
    this.stop();
    // Replicas kept from before a restart: their members get the grace to answer again.
    for (const home of this.o.target.homes()) this.copyOf(home);
    this.timer = setInterval(() => this.round(), this.o.pollMs);
    this.timer.unref();
    this.round();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Whether this index holds a current copy of `indexId`'s peers: its last pull reached the end of
   * the member's feed within the last 3 rounds, and no full copy is in progress.
   */
  inSync(indexId: string): boolean {
    const c = this.copies.get(indexId);
    return c !== undefined && !c.copying && c.syncedAt !== null && this.now() - c.syncedAt <= 3 * this.o.pollMs + 1_000;
  }

  /** One round: every active member pulled (if not being pulled already); copies of members gone past the grace dropped. */
  round(): void {
    if (!this.timer) return;
    const active = this.o.members.active().filter((m) => m.indexId !== null);
    for (const m of active) {
      const copy = this.copyOf(m.indexId!);
      if (!copy.pulling && this.now() >= copy.retryAt) void this.pull(m, copy);
    }
    const now = this.now();
    for (const [home, copy] of this.copies) {
      // A member the user blocked loses its copy at once: nothing of that server stays, as nothing of it is asked.
      const kept = now - copy.answeredAt <= this.o.graceMs && !this.o.members.isBlockedId(home);
      if (copy.pulling || kept || this.dropping.has(home)) continue;
      this.dropping.add(home);
      void this.o.target.drop(home, Infinity)
        .then((n) => {
          this.stats.dropped += n;
          if (this.copies.get(home) === copy) this.copies.delete(home);
        }, () => undefined)
        .finally(() => this.dropping.delete(home));
    }
  }

  private copyOf(home: string): Copy {
    let copy = this.copies.get(home);
    if (!copy) {
      copy = { epoch: undefined, since: 0, gen: this.newGen(), copying: true, syncedAt: null, answeredAt: this.now(), pulling: false, failures: 0, retryAt: 0 };
      this.copies.set(home, copy);
    }
    return copy;
  }

  /** A generation later than any before, across restarts (replica_gen is kept in the store). */
  private newGen(): number {
    this.lastGen = Math.max(this.lastGen + 1, this.now());
    return this.lastGen;
  }

  private async pull(m: Member, copy: Copy): Promise<void> {
    copy.pulling = true;
    const home = m.indexId!;
    const at: NodeCallOptions = { address: m.address, expected: { node: home }, timeoutMs: PULL_TIMEOUT_MS, maxBytes: MAX_PAGE_BYTES };
    const origin = { loopback: isLoopbackHost(hostOfAddress(m.address) ?? '') };
    try {
      for (let n = 0; n < PAGES_PER_PULL && this.timer; n++) {
        const query = { since: copy.since, ...(copy.epoch ? { epoch: copy.epoch } : {}), ...(copy.epoch && copy.copying ? { copying: '1' as const } : {}) };
        const page = await this.api.federationReplica({ query }, at);
        copy.answeredAt = this.now();
        if (page.reset || page.epoch !== copy.epoch) {
          // A full copy from the start; what this one does not send again goes once it is complete.
          Object.assign(copy, { epoch: page.epoch, gen: this.newGen(), copying: true, syncedAt: null });
        }
        const peers = page.peers.filter((p) => isSourceHost(p.address, origin) && (this.o.sourceAllowed?.({ url: peerBaseUrl(p.address, p.port), peerId: p.peerId }) ?? true));
        const { refused } = await this.o.target.apply(home, copy.gen, { peers, removed: page.removed });
        this.count(page, peers.length, refused);
        copy.since = page.next;
        if (page.more) continue;
        if (copy.copying) {
          await this.o.target.drop(home, copy.gen);
          copy.copying = false;
        }
        copy.syncedAt = this.now();
        break;
      }
      copy.failures = 0;
    } catch {
      // Its answer failed its bounds, or it did not answer: tried again later, from where it was.
      this.stats.failures++;
      copy.failures++;
      copy.retryAt = this.now() + Math.min(MAX_RETRY_MS, this.o.pollMs * 2 ** Math.min(copy.failures, 16));
    } finally {
      copy.pulling = false;
    }
  }

  private count(page: ReplicaPage, kept: number, refused: number): void {
    this.stats.pages++;
    this.stats.peers += kept - refused;
    this.stats.removed += page.removed.length;
    this.stats.refused += refused + page.peers.length - kept;
  }
}
