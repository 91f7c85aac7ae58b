// What the dashboard shows, and how an index event changes it: a pure reducer, so the live updates
// are tested without a browser. The answers come from the public index API only.
import type { FederatedIndexServer } from '../../src-shared/api/federation.js';
import { indexEventSchemas } from '../../src-shared/api/index-events.js';
import type { IndexPeer, IndexStats, Topology } from '../../src-shared/api/index-routes.js';
import type { ConnectionState, RawEvent } from '../bridge/transport.js';

/** Peers on one page of the table (the most one GET /api/v1/peers gives). */
export const PEERS_PAGE_SIZE = 200;

/** Which peers the table lists: all, or only the online or offline ones. */
export type PeerFilter = 'all' | 'online' | 'offline';

/** The page of the peers table the user is on (1 = the first), and its filter. */
export interface PeersView {
  page: number;
  filter: PeerFilter;
}

export interface DashboardState {
  /** This index server's node id (GET /api/v1/federation). */
  indexId: string | null;
  stats: IndexStats | null;
  /** When `stats` arrived (ms since the epoch), so uptime can tick between updates. */
  statsAt: number;
  /** The page and filter the user chose; refreshes and events keep them. */
  peersView: PeersView;
  /** That page's peers (online first, as the index orders them). */
  peers: IndexPeer[];
  /** Peers matching the filter, on every page. */
  peersTotal: number;
  topology: Topology | null;
  /** The index servers this one federates with (addresses, when they last answered). */
  federation: FederatedIndexServer[];
  connection: ConnectionState;
  /** The last load failed: why. */
  error: string | null;
}

export const initialState: DashboardState = {
  indexId: null, stats: null, statsAt: 0, peersView: { page: 1, filter: 'all' }, peers: [], peersTotal: 0, topology: null, federation: [], connection: 'connecting', error: null,
};

/** Whether an event changes who is registered or what they hold (worth asking the lists again). */
export function changesPeers(type: string): boolean {
  return type === 'peer_registered' || type === 'peer_offline' || type === 'peer_removed' || type === 'file_registered' || type === 'file_removed';
}

/** The state after one event from the index's /ws; an event that does not parse changes nothing. */
export function applyEvent(state: DashboardState, event: RawEvent, now: number): DashboardState {
  switch (event.type) {
    case 'stats_update': {
      const stats = indexEventSchemas.stats_update.safeParse(event.data);
      return stats.success ? { ...state, stats: stats.data, statsAt: now } : state;
    }
    // The events change the page on screen at once; the lists are asked again right after
    // (index-feed.ts), which settles what an event cannot tell (a peer on another page).
    case 'peer_registered': {
      const peer = indexEventSchemas.peer_registered.safeParse(event.data);
      if (!peer.success) return state;
      const { page, filter } = state.peersView;
      const at = state.peers.findIndex((p) => p.peerId === peer.data.peerId);
      if (filter === 'offline') return at >= 0 ? dropPeer(state, peer.data.peerId) : state; // online now
      if (at >= 0) return { ...state, peers: state.peers.map((p, i) => (i === at ? peer.data : p)) };
      // New: online peers come first in the index's own order, so it goes at the top of the first page.
      const peers = page === 1 ? [peer.data, ...state.peers].slice(0, PEERS_PAGE_SIZE) : state.peers;
      return { ...state, peers, peersTotal: state.peersTotal + 1 };
    }
    case 'peer_offline': {
      const gone = indexEventSchemas.peer_offline.safeParse(event.data);
      if (!gone.success || !state.peers.some((p) => p.peerId === gone.data.peerId)) return state;
      if (state.peersView.filter === 'online') return dropPeer(state, gone.data.peerId);
      return { ...state, peers: state.peers.map((p) => (p.peerId === gone.data.peerId ? { ...p, status: 'offline' as const } : p)) };
    }
    case 'peer_removed': {
      const removed = indexEventSchemas.peer_removed.safeParse(event.data);
      if (!removed.success || !state.peers.some((p) => p.peerId === removed.data.peerId)) return state;
      return dropPeer(state, removed.data.peerId);
    }
    default:
      return state;
  }
}

/** The page without that peer, which no longer matches the filter. */
function dropPeer(state: DashboardState, peerId: string): DashboardState {
  return { ...state, peers: state.peers.filter((p) => p.peerId !== peerId), peersTotal: Math.max(0, state.peersTotal - 1) };
}

/** How many pages `total` peers fill (at least one, which may be empty). */
export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PEERS_PAGE_SIZE));
}

/** This index server's name, as its own topology gives it. */
export function indexName(state: DashboardState): string | null {
  return state.topology?.nodes.find((n) => n.role === 'index' && n.id === state.indexId)?.name ?? null;
}

/** Peers registered with each index server of the topology (its online registration links). */
export function peersPerIndex(topology: Topology): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of topology.edges) if (e.kind === 'registration') counts.set(e.target, (counts.get(e.target) ?? 0) + 1);
  return counts;
}
