// Names as an index server shows them. Every node is named after its host by default, so a
// network of VMs reads "vm, vm, vm". Where two registered peers share a name (compared without
// case or surrounding spaces), the one registered first keeps it and every other gets its short
// id as a suffix: "vm" and "vm (ABCDEFG)". Only answers are shaped (search results and their
// sources, one file's sources, the peers list, the topology); nobody's stored name changes, so
// when the first "vm" leaves for good, the next one is plain "vm" again.
//
// The suffixes are computed from index_peers (one read of id, peer_id, name) and kept until a
// peer registers (it may have a new name) or is removed, and at most MAX_AGE_MS in any case; after
// a registration or removal they are computed again at most once per MIN_RECOMPUTE_MS: in a storm
// of registrations (a federation member's peers failing over) every search read every peer row
// again, ~6 % of the index's CPU. Meanwhile a peer registered or renamed since the read is told
// apart as a peer from elsewhere is (below), so it never shows a name another peer shows already.
//
// An answer merged from federated index servers also holds peers registered elsewhere (each
// server tells its own apart already; those copied here are read after this server's own): this
// server's peers keep the names it shows for them, and
// a peer from elsewhere whose name a peer of another id already shows in the answer (or here)
// gets its short id too.
import type { IndexEventMap } from '../../../src-shared/api/index-events.js';
import type { IndexPeer, SearchResponse, SearchResult, Topology } from '../../../src-shared/api/index-routes.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import type { EventBus } from '../events/event-bus.js';
import type { Db } from '../store/database.js';

/** The longest a computed set of suffixes is trusted without a registration or removal seen. */
const MAX_AGE_MS = 30_000;
/** After a registration or removal, the suffixes are computed again at most this often. */
const MIN_RECOMPUTE_MS = 1_000;

/** How names are compared: "VM", "vm" and " vm " are the same name to a reader. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFKC').toLocaleLowerCase('en');
}

/** `name` told apart by the node id's first group. */
export function withShortId(name: string, peerId: string): string {
  const suffix = ` (${shortNodeId(peerId)})`;
  return name.trim().endsWith(suffix) ? name.trim() : `${name.trim()}${suffix}`;
}

/**
 * The display name of every peer whose name an earlier-registered peer also has, from peers in
 * registration order: the first of each name keeps it, the others get their short id.
 */
export function suffixedNames(peersInOrder: Iterable<{ peerId: string; name: string }>): Map<string, string> {
  const firstOf = new Map<string, string>();
  const suffixed = new Map<string, string>();
  for (const { peerId, name } of peersInOrder) {
    const key = nameKey(name);
    const first = firstOf.get(key);
    if (first === undefined) firstOf.set(key, peerId);
    else if (first !== peerId) suffixed.set(peerId, withShortId(name, peerId));
  }
  return suffixed;
}

export interface DisplayNamesOptions {
  db: Db;
  /** The index's event bus: a registration or a removal makes the names be read again. */
  bus?: Pick<EventBus<IndexEventMap>, 'subscribe'>;
  now?: () => number;
}

interface Known {
  /** Local peers told apart: peer id → the name shown. */
  suffixed: Map<string, string>;
  /** Every local peer id, with the name it had when read. */
  local: Map<string, string>;
  /** The names local peers are shown under (nameKey → peer id). */
  shown: Map<string, string>;
  at: number;
}

/**
 * Names already shown in one answer (nameKey → peer id): those the local peers are shown under,
 * plus those this answer added; later peers of another id get a suffix. The answer's own are kept
 * apart rather than in a copy of every local name: one answer is made per search, and copying
 * 10,000 names for each was 8.6 % of a federated index server's CPU under the load test.
 */
class Claims {
  private readonly added = new Map<string, string>();

  constructor(private readonly known: Known) {}

  name(peerId: string, name: string): string {
    if (this.known.local.get(peerId) === name) return this.known.suffixed.get(peerId) ?? name;
    // From another server, or registered (or renamed) here since the names were read.
    const key = nameKey(name);
    const holder = this.added.get(key) ?? this.known.shown.get(key);
    if (holder !== undefined && holder !== peerId) return withShortId(name, peerId);
    this.added.set(key, peerId);
    return name;
  }
}

export class DisplayNames {
  private cache: Known | undefined;
  /** A peer registered or was removed since the cache was computed. */
  private stale = false;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;
  private readonly read;

  constructor(o: DisplayNamesOptions) {
    this.now = o.now ?? Date.now;
    // The rowid grows with each new peer and a re-registration keeps it: registration order. This
    // server's own peers come first, then the copies of federation members' peers (replica-puller.ts):
    // a peer from another server is the one told apart, whether it came in a copy or an answer.
    this.read = o.db.prepare<[], { peer_id: string; name: string }>("SELECT peer_id, name FROM index_peers ORDER BY home <> '', id");
    this.unsubscribe = o.bus?.subscribe((event) => {
      if (event.type === 'peer_registered' || event.type === 'peer_removed' || event.type === 'replica_changed') this.stale = true;
    }) ?? (() => undefined);
  }

  search<A extends SearchResponse>(answer: A): A {
    if (!Array.isArray(answer?.items)) return answer; // not a page of results (a federation's bookkeeping answer)
    const claims = new Claims(this.known());
    return { ...answer, items: answer.items.map((r) => this.sources(r, claims)) };
  }

  result<R extends SearchResult>(result: R): R {
    if (!Array.isArray(result?.sources)) return result;
    return this.sources(result, new Claims(this.known()));
  }

  peers<P extends { items: IndexPeer[] }>(page: P): P {
    const claims = new Claims(this.known());
    return { ...page, items: page.items.map((p) => ({ ...p, name: claims.name(p.peerId, p.name) })) };
  }

  /**
   * Peers as in every other answer; an index server (this one, or one federated with it) is told
   * apart too when a peer of another id shows the same name. The index's own peer entry, when it
   * registered with itself, has its id: no clash.
   */
  topology<T extends Topology>(topology: T): T {
    if (!Array.isArray(topology?.nodes)) return topology;
    const claims = new Claims(this.known());
    // Peers first, so an index server yields its name to a peer, not the other way round.
    const named = new Map<Topology['nodes'][number], string>();
    for (const n of topology.nodes) if (n.role === 'peer') named.set(n, claims.name(n.id, n.name));
    for (const n of topology.nodes) if (n.role !== 'peer') named.set(n, claims.name(n.id, n.name));
    return { ...topology, nodes: topology.nodes.map((n) => ({ ...n, name: named.get(n) ?? n.name })) };
  }

  close(): void {
    this.unsubscribe();
  }

  private sources<R extends SearchResult>(result: R, claims: Claims): R {
    if (!Array.isArray(result.sources)) return result;
    return { ...result, sources: result.sources.map((s) => ({ ...s, name: claims.name(s.peerId, s.name) })) };
  }

  private known(): Known {
    const now = this.now();
    if (!this.cache || now - this.cache.at > MAX_AGE_MS || (this.stale && now - this.cache.at >= MIN_RECOMPUTE_MS)) {
      this.stale = false;
      const rows = this.read.all().map((r) => ({ peerId: r.peer_id, name: r.name }));
      const suffixed = suffixedNames(rows);
      const shown = new Map<string, string>();
      for (const r of rows) {
        const key = nameKey(suffixed.get(r.peerId) ?? r.name);
        if (!shown.has(key)) shown.set(key, r.peerId);
      }
      this.cache = { suffixed, local: new Map(rows.map((r) => [r.peerId, r.name])), shown, at: now };
    }
    return this.cache;
  }
}

type Handler = (input: never) => unknown;

/**
 * The answers the federation merges (search, one file, the topology) with names told apart across
 * index servers; every other handler as it is.
 */
export function namedAcrossFederation<H extends { search: Handler; getFile: Handler; topology: Handler }>(handlers: H, names: DisplayNames | undefined): H {
  if (!names) return handlers;
  type In<K extends keyof H> = H[K] extends (input: infer I) => unknown ? I : never;
  const call = <K extends 'search' | 'getFile' | 'topology'>(key: K, input: In<K>) => Promise.resolve((handlers[key] as (i: In<K>) => unknown)(input));
  return {
    ...handlers,
    search: async (input: In<'search'>) => names.search((await call('search', input)) as SearchResponse),
    getFile: async (input: In<'getFile'>) => names.result((await call('getFile', input)) as SearchResult),
    topology: async (input: In<'topology'>) => names.topology((await call('topology', input)) as Topology),
  };
}
