// A search or a source lookup on any index server answers for the whole federation: the server
// asks its own store and forwards the query to the index servers it knows (members.ts), which do
// the same, one hop further, until the hop limit; answers are merged by file id (merge.ts).
//
// - A query's id (`fq`) is made where it starts; each server answers an id once (a cycle, or a
//   server sending our query back, gets an empty answer at once), for a minute.
// - Deadlines: the first answer leaves after `searchDeadlineMs` with our results and whatever
//   arrived. A forwarded query carries a budget: its receiver waits for its own forwards at most
//   half of it and gives them 40 % of it, so deeper answers arrive in time for the shallower
//   ones, and a dead or slow server costs only the wait of the server that asked it.
// - A search's forwards stay in flight up to `moreDeadlineMs`: asked again with
//   `more=<queryId>`, the server answers the same query with everything that has arrived
//   ("more results from the network"), waiting for the rest until then.
// - Bounded: at most `fanOut` servers asked per hop, MAX_IN_FLIGHT forwards at once (more are
//   shed: answered from our own store), every answer read to a byte cap and schema-checked.
// - Replicas (replica-puller.ts): a member whose peers our store holds a current copy of, and
//   that names no index server we do not know, is not asked: our own store answers for it. It is
//   named as asked, so the servers we do ask do not ask it either.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MAX_ASKED, MAX_FORWARD_BUDGET_MS, type FederationSummary } from '../../../../src-shared/api/federation.js';
import { MAX_FOLDER_LENGTH } from '../../../../src-shared/api/folder.js';
import {
  indexedFileSchema, indexRoutes, registerRequestSchema, searchResponseSchema, searchResultSchema, sourceSchema, topologySchema,
  type SearchQuery, type SearchResponse, type SearchResult, type Topology,
} from '../../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../../src-shared/errors.js';
import { nodeApiClient, sentQuery, type NodeApiOf, type NodeCallOptions } from '../../net/contract-transport.js';
import type { NodeDialer } from '../../net/node-dialer.js';
import { withAllowedSources, type SourceAllowed } from '../allowed-sources.js';
import { MAX_FOLDERS_PER_FILE, MAX_NAMES_PER_FILE } from '../store/file-text.js';
import { checkedRemote, hostOfAddress, isDownloadUrlOf, isLoopbackHost, mergeFile, mergeLists, SOURCES_PER_FEDERATED_FILE, type RemoteOrigin } from './merge.js';
import type { FederationMembers, Member } from './members.js';
import { ReplicaPuller } from './replica-puller.js';
import type { ReplicaTarget } from '../replica-store.js';

export interface FederationSettings {
  /** The first answer leaves after this long at most. */
  searchDeadlineMs: number;
  /** `more=<queryId>` waits at most this long after the query started. */
  moreDeadlineMs: number;
  /** Hops a query makes at most (1: only the servers we know). */
  maxHops: number;
  /** Servers asked per hop at most. */
  fanOut: number;
  /** This node's access control: a remote source in a blocked network, or a blocked device, is left out (issue 14). */
  sourceAllowed?: SourceAllowed;
  /** How to call other index servers: over TLS pinned to each one's id when encryption is on. */
  dialer?: NodeDialer;
  /** Keep replicas of members' peers (super_peer.federation_replicas, true unless turned off); absent: none. */
  replicate?: boolean;
}

export interface Forwarded {
  fq?: string | undefined;
  hops?: number | undefined;
  budget?: number | undefined;
  /** Index servers asked already (by id): not asked again from here. */
  asked?: string[] | undefined;
}

/** Forwards in flight at once, over all queries; past it, queries are answered from our store alone. */
const MAX_IN_FLIGHT = 64;
/** Below this budget a forwarded query is not forwarded further. */
const MIN_BUDGET_MS = 20;
const SEEN_TTL_MS = 60_000;
const MAX_SEEN = 10_000;
const MAX_PENDING = 128;
const MAX_SEARCH_ANSWER_BYTES = 2 * 1024 * 1024;
const MAX_FILE_ANSWER_BYTES = 1024 * 1024;
const MAX_TOPOLOGY_ANSWER_BYTES = 2 * 1024 * 1024;
/** Topology: nodes and edges kept at most in the federation's graph. */
const MAX_TOPOLOGY_NODES = 2_000;
const MAX_TOPOLOGY_EDGES = 5_000;

/** The largest count another index server may claim (of sources, of results); checkedRemote cuts sources' further. */
const MAX_REMOTE_COUNT = 1_000_000_000;
const fileShape = indexedFileSchema.shape;
const count = z.number().int().nonnegative().max(MAX_REMOTE_COUNT);
/** A source as another index server lists it: every field bounded, as a registration bounds it. */
const remoteSourceSchema = sourceSchema.extend({
  // A registered name (at most 100), with a short id told apart (display-names.ts).
  name: z.string().max(registerRequestSchema.shape.name.maxLength! + 20),
  url: z.string().max(400),
  reputation: z.number().min(0).max(100),
  activeUploads: count,
  freeUploadSlots: count,
});
/** A result as another index server lists it: bounded as our own peers' files are (indexedFileSchema) and as our store keeps them. */
const remoteResultSchema = searchResultSchema.extend({
  name: fileShape.name,
  names: z.array(fileShape.name).max(MAX_NAMES_PER_FILE),
  folders: z.array(z.string().max(MAX_FOLDER_LENGTH)).max(MAX_FOLDERS_PER_FILE).optional(),
  size: fileShape.size,
  mime: fileShape.mime,
  tags: fileShape.tags,
  pieceSize: fileShape.pieceSize,
  sourceCount: count,
  sources: z.array(remoteSourceSchema).max(1000),
  firstSeen: z.iso.datetime(),
});
const remoteSearchSchema = searchResponseSchema.omit({ federation: true }).extend({
  items: z.array(remoteResultSchema).max(200),
  total: count,
  page: z.number().int().min(1).max(1_000_000),
  pageSize: z.number().int().min(1).max(200),
  tookMs: z.number().min(0).max(MAX_REMOTE_COUNT),
});
const remoteFileSchema = remoteResultSchema;
const remoteTopologySchema = topologySchema.extend({
  nodes: z.array(topologySchema.shape.nodes.element).max(MAX_TOPOLOGY_NODES * 2),
  edges: z.array(topologySchema.shape.edges.element).max(MAX_TOPOLOGY_EDGES * 2),
});

/**
 * The index routes a forward calls, answered within the federation's tighter bounds: the client
 * checks each answer once, against these, as it is read.
 */
const federationCalls = {
  search: { ...indexRoutes.search, response: remoteSearchSchema },
  getFile: { ...indexRoutes.getFile, response: remoteFileSchema },
  topology: { ...indexRoutes.topology, response: remoteTopologySchema },
};

/** The answers to one query forwarded to several servers, arriving as they come. */
class Round<T> {
  readonly answers: T[] = [];
  answered = 0;
  private remaining: number;
  private readonly done: Promise<void>;
  private finish!: () => void;

  constructor(readonly asked: number) {
    this.remaining = asked;
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    if (asked === 0) this.finish();
  }

  settle(answer: T | undefined): void {
    if (answer !== undefined) {
      this.answers.push(answer);
      this.answered++;
    }
    if (--this.remaining === 0) this.finish();
  }

  get pending(): number {
    return this.remaining;
  }

  /** Resolves when every server answered (or failed), or after `ms`. */
  async wait(ms: number): Promise<void> {
    if (this.remaining === 0 || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.done, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
    clearTimeout(timer);
  }
}

/** Where a query goes from here: see Federation.route. */
interface Route {
  id: string;
  hops: number;
  budget: number;
  wait: number | undefined;
  /** Index servers asked already, by id (from the query we were sent). */
  asked: string[];
}

interface PendingSearch {
  key: string;
  startedAt: number;
  round: Round<RemotePage>;
}

/** One server's answer to a forwarded search: its results (checked) and its total. */
interface RemotePage {
  items: SearchResult[];
  total: number;
}

export class Federation {
  readonly stats = { forwardedReceived: 0, duplicatesRefused: 0, forwardedSent: 0, shed: 0 };
  private readonly seen = new Map<string, number>();
  private readonly pending = new Map<string, PendingSearch>();
  /** The client for forwards, made once per dialer (the settings give the same one each time). */
  private calls: { dialer: NodeDialer | undefined; api: NodeApiOf<typeof federationCalls> } | undefined;
  private inFlight = 0;
  /** The copies of members' peers in our store, while the index role is on. */
  private replicas: ReplicaPuller | undefined;

  constructor(readonly members: FederationMembers, private readonly settings: () => FederationSettings, private readonly now: () => number = Date.now) {}

  /**
   * Starts copying every active member's peers into `target` (the index's store), every `pollMs`,
   * if the settings say so; a member that stops answering keeps them `graceMs`. Until `stopReplicating`.
   */
  startReplicating(target: ReplicaTarget, o: { pollMs: number; graceMs: number }): void {
    this.stopReplicating();
    const s = this.settings();
    if (!s.replicate) {
      // Replicas turned off: copies kept from before go (they would never be followed again).
      void Promise.all(target.homes().map((home) => target.drop(home, Infinity))).catch(() => undefined);
      return;
    }
    this.replicas = new ReplicaPuller({ members: this.members, target, dialer: s.dialer, sourceAllowed: s.sourceAllowed, ...o, now: this.now });
    this.replicas.start();
  }

  stopReplicating(): void {
    this.replicas?.stop();
    this.replicas = undefined;
  }

  /** What the copies of members' peers took and refused so far (undefined: not copying). */
  replicaStats(): ReplicaPuller['stats'] | undefined {
    return this.replicas && { ...this.replicas.stats };
  }

  /** Whether our store answers for `m` (see the header): a current copy of its peers, and it knows no server we do not. */
  private covered(m: Member): boolean {
    return m.indexId !== null && (this.replicas?.inSync(m.indexId) ?? false) && this.members.knowsNoOthers(m);
  }

  /** A search answered for the federation; `local` searches our own store. */
  async search(query: SearchQuery, local: (q: SearchQuery) => SearchResponse): Promise<SearchResponse> {
    const s = this.settings();
    const startedAt = this.now();
    // Every server is asked for the first page*pageSize results; the merge is cut to the page.
    const window: SearchQuery = { ...query, page: 1, pageSize: Math.min(200, query.page * query.pageSize), fq: undefined, hops: undefined, budget: undefined, asked: undefined, more: undefined };
    const key = queryKey(window);
    const firstHand = query.fq === undefined;

    if (query.fq !== undefined) {
      this.stats.forwardedReceived++;
      if (!this.firstTime(query.fq)) return this.duplicate(query, query.fq);
    } else if (query.more !== undefined) {
      const earlier = this.pending.get(query.more);
      if (earlier && earlier.key === key) {
        await earlier.round.wait(earlier.startedAt + s.moreDeadlineMs - this.now());
        return this.page(query, local(window), earlier.round.answers, summary(query.more, earlier.round), startedAt);
      }
    }

    const route = this.route(query, s);
    if (route.wait === undefined) return this.page(query, local(window), [], summary(route.id, new Round(0)), startedAt);
    // A search of our own stays in flight for `more=<queryId>`; a forwarded one only while its asker waits.
    const round = this.forwardSearch(window, route, firstHand ? s.moreDeadlineMs : route.wait);
    if (firstHand) this.remember({ key, startedAt: this.now(), round }, route.id);
    // The others are asked first and our own search runs while they work: an answer takes the
    // slowest server's time, not ours plus theirs. The event loop turns once first, so the
    // forwards (which may wait on a promise or two before writing) are on the wire. With nobody
    // asked (every member's copy is here), nothing waits.
    if (round.asked > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const own = local(window);
    await round.wait(firstHand && query.more !== undefined ? s.moreDeadlineMs : route.wait);
    return this.page(query, own, round.answers, summary(route.id, round), startedAt);
  }

  /** One file with the sources the federation knows; `local` is our own answer (undefined: we do not know it). */
  async getFile(fileId: string, fwd: Forwarded, local: () => SearchResult | undefined): Promise<SearchResult> {
    const s = this.settings();
    if (fwd.fq !== undefined) {
      this.stats.forwardedReceived++;
      if (!this.firstTime(fwd.fq)) {
        this.stats.duplicatesRefused++;
        throw new ShoalError('FILE_NOT_FOUND', 'This index server answered this query already.');
      }
    }
    const route = this.route(fwd, s);
    const own = local();
    let merged = own ? { ...own, sources: own.sources.slice(0, SOURCES_PER_FEDERATED_FILE) } : undefined;
    if (route.wait !== undefined) {
      const ask: Ask<RemoteFile> = (api, at, onward) => api.getFile({ params: { fileId }, query: forwardParams(route, onward) }, at);
      const round = this.forward(ask, route.asked, route.wait, MAX_FILE_ANSWER_BYTES, (r, origin) => (r.id === fileId ? this.allowedSources(checkedRemote(r, undefined, origin, this.now())) : undefined), true);
      await round.wait(route.wait);
      for (const r of round.answers) merged = merged ? mergeFile(merged, r, SOURCES_PER_FEDERATED_FILE) : r;
    }
    if (!merged) throw new ShoalError('FILE_NOT_FOUND');
    return merged;
  }

  /**
   * Where a query goes from here (its id recorded already when it was forwarded to us): its id,
   * the hops its forwards will have made, the budget they carry, and how long we wait for them;
   * `wait` undefined: it goes no further (the hop limit, or too little budget left).
   */
  private route(fwd: Forwarded, s: FederationSettings): Route {
    if (fwd.fq === undefined) {
      const id = newQueryId();
      this.firstTime(id);
      return { id, hops: 1, budget: Math.floor(s.searchDeadlineMs * 0.8), wait: s.searchDeadlineMs, asked: [] };
    }
    const received = fwd.budget ?? 0;
    const hops = (fwd.hops ?? 1) + 1;
    const onward = hops <= s.maxHops && received >= MIN_BUDGET_MS;
    // Its receivers get 40 % of what we were given; we wait for them at most half of it.
    return { id: fwd.fq, hops, budget: Math.floor(received * 0.4), wait: onward ? Math.floor(received / 2) : undefined, asked: fwd.asked ?? [] };
  }

  /**
   * Our topology with the federation's: every member as an index node linked to us, and (asked
   * here, not forwarded) each active member's own graph: its peers and its links. Bounded.
   */
  async topology(own: Topology, selfId: string, forwarded: boolean): Promise<Topology> {
    // One node per role and id: an index server registered with itself is an index and a peer.
    const key = (n: { role: string; id: string }) => `${n.role}:${n.id}`;
    const nodes = new Map(own.nodes.map((n) => [key(n), n]));
    const ids = () => new Set([...nodes.values()].map((n) => n.id));
    const edges = new Map(own.edges.map((e) => [`${e.source}>${e.target}>${e.kind}`, e]));
    const addEdge = (e: Topology['edges'][number], known = ids()) => {
      if (edges.size < MAX_TOPOLOGY_EDGES && known.has(e.source) && known.has(e.target)) edges.set(`${e.source}>${e.target}>${e.kind}`, e);
    };
    const active = new Set(this.members.active().map((m) => m.address));
    for (const m of this.members.all()) {
      // Only an id it proved, and not a blocked one (its network, or its id a blocked device), nor one that proved another id than it must.
      if (!m.indexId || nodes.has(key({ role: 'index', id: m.indexId })) || !this.members.passesOn(m)) continue;
      nodes.set(key({ role: 'index', id: m.indexId }), { id: m.indexId, role: 'index', name: m.address, status: active.has(m.address) ? 'online' : 'offline', fileCount: 0, reputation: 0, address: m.address });
      addEdge({ source: selfId, target: m.indexId, kind: 'federation' });
    }
    if (!forwarded) {
      const round = this.forward((api, at) => api.topology({ query: { hops: 1 } }, at), [], this.settings().searchDeadlineMs, MAX_TOPOLOGY_ANSWER_BYTES, (t) => t);
      await round.wait(this.settings().searchDeadlineMs);
      for (const t of round.answers) {
        for (const n of t.nodes) {
          if (this.members.isBlockedId(n.id)) continue; // a blocked device (index or peer) is not shown, nor linked
          const had = nodes.get(key(n));
          // A member's word about itself (its name, its file count) replaces our placeholder.
          if (had && !(had.role === 'index' && had.fileCount === 0 && had.name.includes(':'))) continue;
          if (!had && nodes.size >= MAX_TOPOLOGY_NODES) continue;
          // Where we reach a member is ours to say, not its claim.
          const address = had?.address ?? n.address;
          nodes.set(key(n), { ...n, name: n.name.slice(0, 200), ...(address ? { address } : {}) });
        }
        const known = ids();
        for (const e of t.edges) addEdge(e, known);
      }
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()] };
  }

  /** The best source of a file anywhere in the federation (the download redirect, when we know none). */
  async bestSource(fileId: string): Promise<string> {
    const file = await this.getFile(fileId, {}, () => undefined);
    // Only sources checked as that file's download addresses (checkedRemote) are redirected to.
    const best = file.sources.find((src) => isDownloadUrlOf(src.url, fileId));
    if (!best) throw new ShoalError('NO_SOURCE_ONLINE');
    return best.url;
  }

  private forwardSearch(window: SearchQuery, route: Route, timeoutMs: number): Round<RemotePage> {
    const query = sentQuery(window);
    const ask: Ask<RemoteSearch> = (api, at, onward) => api.search({ query: { ...query, ...forwardParams(route, onward) } }, at);
    return this.forward(ask, route.asked, timeoutMs, MAX_SEARCH_ANSWER_BYTES, (answer, origin) => {
      const items = answer.items.flatMap((r) => this.allowedSources(checkedRemote(r, window, origin, this.now())) ?? []);
      // A total is a claim: at most 1,000 times what it listed, never less.
      return { items, total: Math.max(items.length, Math.min(answer.total, Math.max(1, answer.items.length) * 1000)) };
    }, true);
  }

  /**
   * Sends `ask` to up to fanOut active members not `asked` already; each valid answer, checked by
   * `accept` (told whether that member is on loopback), joins the round. The path names who was
   * asked (`onward`: we, our targets, then those asked before us), so that our targets do not
   * forward it to each other: in a federation where every server knows every other, a query
   * makes one hop to each, not a hop and then a chain of duplicates the last waits on.
   * `replicated`: members our store answers for (covered) are not asked, and named as asked.
   */
  private forward<A, T>(ask: Ask<A>, asked: readonly string[], timeoutMs: number, maxBytes: number, accept: (answer: A, origin: RemoteOrigin) => T | undefined, replicated = false): Round<T> {
    const s = this.settings();
    const skip = new Set(asked);
    const candidates = this.members.active().filter((m) => !m.indexId || !skip.has(m.indexId));
    const covered = replicated ? candidates.filter((m) => this.covered(m)) : [];
    let targets: Member[] = candidates.filter((m) => !covered.includes(m)).slice(0, s.fanOut);
    if (this.inFlight + targets.length > MAX_IN_FLIGHT) {
      this.stats.shed++;
      targets = [];
    }
    const onward = [...new Set([this.members.selfId, ...[...targets, ...covered].flatMap((m) => (m.indexId ? [m.indexId] : [])), ...asked])].slice(0, MAX_ASKED);
    const round = new Round<T>(targets.length);
    const api = this.callsOver(s.dialer);
    for (const m of targets) {
      this.inFlight++;
      this.stats.forwardedSent++;
      // Over TLS, to the id it proved when it joined (or, not known yet, the one it proves first).
      const at: NodeCallOptions = { address: m.address, expected: m.indexId ? { node: m.indexId } : 'pinned', timeoutMs: Math.max(1, timeoutMs), maxBytes };
      const origin: RemoteOrigin = { loopback: isLoopbackHost(hostOfAddress(m.address) ?? '') };
      // An answer outside the federation's bounds fails in the client (UNEXPECTED_ANSWER): no answer.
      void ask(api, at, onward)
        .then((answer) => round.settle(accept(answer, origin)), () => round.settle(undefined))
        .finally(() => { this.inFlight--; });
    }
    return round;
  }

  private callsOver(dialer: NodeDialer | undefined): NodeApiOf<typeof federationCalls> {
    if (!this.calls || this.calls.dialer !== dialer) this.calls = { dialer, api: nodeApiClient(federationCalls, dialer) };
    return this.calls.api;
  }

  /** A remote result without the sources this node's access control leaves out. */
  private allowedSources(result: SearchResult | undefined): SearchResult | undefined {
    if (!result) return undefined;
    const allowed = withAllowedSources(result, this.settings().sourceAllowed);
    // Only blocked sources: as if that server had not answered with it.
    return allowed.sources.length === 0 ? undefined : allowed;
  }

  private page(query: SearchQuery, own: SearchResponse, remote: readonly RemotePage[], federation: FederationSummary, startedAt: number): SearchResponse {
    const merged = remote.length === 0 ? own.items : mergeLists([own.items, ...remote.map((r) => r.items)], query, undefined, this.now());
    const listed = own.items.length + remote.reduce((sum, r) => sum + r.items.length, 0);
    const start = (query.page - 1) * query.pageSize;
    const answer: SearchResponse = {
      items: merged.slice(start, start + query.pageSize),
      // Everyone's total, less the files listed by more than one (a file on several servers counts once).
      total: Math.max(merged.length, own.total + remote.reduce((sum, r) => sum + r.total, 0) - (listed - merged.length)),
      page: query.page,
      pageSize: query.pageSize,
      tookMs: Math.round(this.now() - startedAt),
      federation,
    };
    if (own.totalIsEstimate !== undefined || remote.length > 0) answer.totalIsEstimate = (own.totalIsEstimate ?? false) || remote.length > 0;
    return answer;
  }

  private duplicate(query: SearchQuery, id: string): SearchResponse {
    this.stats.duplicatesRefused++;
    return { items: [], total: 0, page: query.page, pageSize: query.pageSize, tookMs: 0, federation: { queryId: id, asked: 0, answered: 0, pending: 0, duplicate: true } };
  }

  /** Records a query id; false when it was seen within the last minute. */
  private firstTime(id: string): boolean {
    const now = this.now();
    const at = this.seen.get(id);
    if (at !== undefined && now - at < SEEN_TTL_MS) return false;
    this.seen.delete(id);
    this.seen.set(id, now);
    // Oldest first (insertion order): drop the expired, and the oldest past the cap.
    for (const [old, t] of this.seen) {
      if (this.seen.size <= MAX_SEEN && now - t < SEEN_TTL_MS) break;
      this.seen.delete(old);
    }
    return true;
  }

  private remember(p: PendingSearch, id: string): void {
    this.pending.set(id, p);
    const now = this.now();
    for (const [old, q] of this.pending) {
      if (this.pending.size <= MAX_PENDING && now - q.startedAt < SEEN_TTL_MS) break;
      this.pending.delete(old);
    }
  }
}

function summary(queryId: string, round: { asked: number; answered: number; pending: number }): FederationSummary {
  return { queryId, asked: round.asked, answered: round.answered, pending: round.pending };
}

/** One forward of a query to one member, through the federation's client. */
type Ask<A> = (api: NodeApiOf<typeof federationCalls>, at: NodeCallOptions, onward: readonly string[]) => Promise<A>;
type RemoteSearch = z.output<typeof remoteSearchSchema>;
type RemoteFile = z.output<typeof remoteFileSchema>;

function forwardParams(route: Route, asked: readonly string[]): { fq: string; hops: number; budget: number; asked?: string } {
  const params = { fq: route.id, hops: route.hops, budget: Math.max(0, Math.min(route.budget, MAX_FORWARD_BUDGET_MS)) };
  return asked.length > 0 ? { ...params, asked: asked.join(',') } : params;
}

function newQueryId(): string {
  return randomBytes(16).toString('base64url');
}

/** What makes two searches the same query (the page aside). */
function queryKey(q: SearchQuery): string {
  return JSON.stringify([q.q, q.category, q.ext, q.minSize, q.maxSize, q.tag, q.minSources, q.sort, q.order]);
}
