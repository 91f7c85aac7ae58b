// Names as an index server shows them. Every node is named after its host by default, so a
// network of VMs reads "vm, vm, vm". Where two registered peers share a name (compared without
// case or surrounding spaces), the one registered first keeps it and every other gets its short
// id as a suffix: "vm" and "vm (ABCDEFG)". Only answers are shaped (search results and their
// sources, one file's sources, the peers list, the topology); nobody's stored name changes, so
// when the first "vm" leaves for good, the next one is plain "vm" again.
//
// The suffixes are computed from index_peers (one read of id, peer_id, name) and kept until a
// peer registers (it may have a new name) or is removed, and at most MAX_AGE_MS in any case.
import type { IndexEventMap } from '../../../src-shared/api/index-events.js';
import type { IndexPeer, SearchResponse, SearchResult, Topology } from '../../../src-shared/api/index-routes.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import type { EventBus } from '../events/event-bus.js';
import type { Db } from '../store/database.js';

/** The longest a computed set of suffixes is trusted without a registration or removal seen. */
const MAX_AGE_MS = 30_000;

/** How names are compared: "VM", "vm" and " vm " are the same name to a reader. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFKC').toLocaleLowerCase('en');
}

/** `name` told apart by the node id's first group. */
export function withShortId(name: string, peerId: string): string {
  return `${name.trim()} (${shortNodeId(peerId)})`;
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

export class DisplayNames {
  private cache: { suffixed: Map<string, string>; at: number } | undefined;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;
  private readonly read;

  constructor(o: DisplayNamesOptions) {
    this.now = o.now ?? Date.now;
    // The rowid grows with each new peer and a re-registration keeps it: registration order.
    this.read = o.db.prepare<[], { peer_id: string; name: string }>('SELECT peer_id, name FROM index_peers ORDER BY id');
    this.unsubscribe = o.bus?.subscribe((event) => {
      if (event.type === 'peer_registered' || event.type === 'peer_removed') this.cache = undefined;
    }) ?? (() => undefined);
  }

  /** The name to show for a peer. */
  of(peerId: string, name: string): string {
    return this.suffixed().get(peerId) ?? name;
  }

  search(answer: SearchResponse): SearchResponse {
    return { ...answer, items: answer.items.map((r) => this.result(r)) };
  }

  result(result: SearchResult): SearchResult {
    const names = this.suffixed();
    if (names.size === 0) return result;
    return { ...result, sources: result.sources.map((s) => ({ ...s, name: names.get(s.peerId) ?? s.name })) };
  }

  peers<P extends { items: IndexPeer[] }>(page: P): P {
    const names = this.suffixed();
    if (names.size === 0) return page;
    return { ...page, items: page.items.map((p) => ({ ...p, name: names.get(p.peerId) ?? p.name })) };
  }

  /**
   * Peers as in every other answer; an index server is told apart too when a peer of another id
   * shows the same name (the index's own peer entry, registered with itself, has its id).
   */
  topology(topology: Topology): Topology {
    const names = this.suffixed();
    const nodes = topology.nodes.map((n) => (n.role === 'peer' ? { ...n, name: names.get(n.id) ?? n.name } : n));
    const peerNames = new Map<string, string>();
    for (const n of nodes) if (n.role === 'peer') peerNames.set(nameKey(n.name), n.id);
    return {
      ...topology,
      nodes: nodes.map((n) => {
        if (n.role !== 'index') return n;
        const holder = peerNames.get(nameKey(n.name));
        return holder !== undefined && holder !== n.id ? { ...n, name: withShortId(n.name, n.id) } : n;
      }),
    };
  }

  close(): void {
    this.unsubscribe();
  }

  private suffixed(): Map<string, string> {
    const now = this.now();
    if (!this.cache || now - this.cache.at > MAX_AGE_MS) {
      this.cache = { suffixed: suffixedNames(this.read.all().map((r) => ({ peerId: r.peer_id, name: r.name }))), at: now };
    }
    return this.cache.suffixed;
  }
}
