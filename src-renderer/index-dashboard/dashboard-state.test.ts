// The dashboard's live updates: each index event changes what it says and nothing else; an event
// that does not match its schema changes nothing.
import { describe, expect, it } from 'vitest';
import type { IndexPeer, IndexStats } from '../../src-shared/api/index-routes.js';
import { nodeIdFromPublicKey } from '../../src-shared/node-id.js';
import { applyEvent, changesPeers, indexName, initialState, peersPerIndex, PEERS_PAGE_SIZE, type DashboardState } from './dashboard-state.js';

const nodeId = (byte: number) => nodeIdFromPublicKey(new Uint8Array(32).fill(byte));
const ID_A = nodeId(1);
const ID_B = nodeId(2);

function peer(peerId: string, over: Partial<IndexPeer> = {}): IndexPeer {
  return {
    peerId, name: `peer ${peerId.slice(0, 1)}`, address: '127.0.0.1', port: 9001, url: 'http://127.0.0.1:9001', status: 'online',
    fileCount: 3, reputation: 50, activeUploads: 0, freeUploadSlots: 4, registeredAt: '2026-12-04T21:00:00.000Z', lastSeen: '2026-12-04T21:00:00.000Z', ...over,
  };
}

const stats: IndexStats = {
  peersOnline: 2, peersTotal: 3, uniqueFiles: 10, availableFiles: 9, totalBytes: 1024, searchesPerMinute: 1.5, registrations: 4, heartbeatsPerMinute: 12, uptimeSeconds: 60,
};

const event = (type: string, data: unknown) => ({ type, data, timestamp: '2026-12-04T21:00:00.000Z' });

describe('dashboard state', () => {
  it('takes stats_update as the stats now, with the time it came', () => {
    const next = applyEvent(initialState, event('stats_update', stats), 1234);
    expect(next.stats).toEqual(stats);
    expect(next.statsAt).toBe(1234);
  });

  it('adds a newly registered peer at the top and counts it; a known one is replaced in place', () => {
    const state: DashboardState = { ...initialState, peers: [peer(ID_A)], peersTotal: 1 };
    const added = applyEvent(state, event('peer_registered', peer(ID_B)), 0);
    expect(added.peers.map((p) => p.peerId)).toEqual([ID_B, ID_A]);
    expect(added.peersTotal).toBe(2);
    const again = applyEvent(added, event('peer_registered', peer(ID_A, { fileCount: 7 })), 0);
    expect(again.peers.map((p) => [p.peerId, p.fileCount])).toEqual([[ID_B, 3], [ID_A, 7]]);
    expect(again.peersTotal).toBe(2);
  });

  it('lists at most a page of peers', () => {
    const many = Array.from({ length: PEERS_PAGE_SIZE }, (_, i) => peer(nodeId(10 + i), { name: `p${i}` }));
    const next = applyEvent({ ...initialState, peers: many, peersTotal: PEERS_PAGE_SIZE }, event('peer_registered', peer(ID_B)), 0);
    expect(next.peers).toHaveLength(PEERS_PAGE_SIZE);
    expect(next.peers[0]?.peerId).toBe(ID_B);
    expect(next.peersTotal).toBe(PEERS_PAGE_SIZE + 1);
  });

  it('on a later page, counts a new peer without listing it (it belongs at the top of the first)', () => {
    const state: DashboardState = { ...initialState, peersView: { page: 2, filter: 'all' }, peers: [peer(ID_A)], peersTotal: 201 };
    const next = applyEvent(state, event('peer_registered', peer(ID_B)), 0);
    expect(next.peers.map((p) => p.peerId)).toEqual([ID_A]);
    expect(next.peersTotal).toBe(202);
    expect(next.peersView).toEqual({ page: 2, filter: 'all' });
  });

  it('keeps a filtered page to its status: a peer going offline leaves the online list, one coming back the offline list', () => {
    const online: DashboardState = { ...initialState, peersView: { page: 1, filter: 'online' }, peers: [peer(ID_A), peer(ID_B)], peersTotal: 2 };
    const left = applyEvent(online, event('peer_offline', { peerId: ID_A }), 0);
    expect(left.peers.map((p) => p.peerId)).toEqual([ID_B]);
    expect(left.peersTotal).toBe(1);
    const offline: DashboardState = { ...initialState, peersView: { page: 1, filter: 'offline' }, peers: [peer(ID_A, { status: 'offline' })], peersTotal: 1 };
    const back = applyEvent(offline, event('peer_registered', peer(ID_A)), 0);
    expect(back.peers).toEqual([]);
    expect(back.peersTotal).toBe(0);
    expect(applyEvent(offline, event('peer_registered', peer(ID_B)), 0)).toBe(offline); // a newcomer is online
  });

  it('marks a peer offline and drops a removed one', () => {
    const state: DashboardState = { ...initialState, peers: [peer(ID_A), peer(ID_B)], peersTotal: 2 };
    const offline = applyEvent(state, event('peer_offline', { peerId: ID_A }), 0);
    expect(offline.peers.map((p) => p.status)).toEqual(['offline', 'online']);
    const removed = applyEvent(offline, event('peer_removed', { peerId: ID_B }), 0);
    expect(removed.peers.map((p) => p.peerId)).toEqual([ID_A]);
    expect(removed.peersTotal).toBe(1);
  });

  it('ignores events that do not parse and events it does not show', () => {
    const state: DashboardState = { ...initialState, peers: [peer(ID_A)], peersTotal: 1 };
    expect(applyEvent(state, event('peer_registered', { peerId: 'not an id' }), 0)).toBe(state);
    expect(applyEvent(state, event('stats_update', { peersOnline: 'many' }), 0)).toBe(state);
    expect(applyEvent(state, event('index_stopping', { indexId: ID_A }), 0)).toBe(state);
    expect(changesPeers('file_registered')).toBe(true);
    expect(changesPeers('stats_update')).toBe(false);
  });

  it('names this index server from its topology and counts each index server\u2019s peers', () => {
    const topology = {
      nodes: [
        { id: ID_A, role: 'index' as const, name: 'harbour', status: 'online' as const, fileCount: 0, reputation: 100 },
        { id: ID_B, role: 'peer' as const, name: 'laptop', status: 'online' as const, fileCount: 2, reputation: 50 },
      ],
      edges: [{ source: ID_B, target: ID_A, kind: 'registration' as const }],
    };
    expect(indexName({ ...initialState, topology, indexId: ID_A })).toBe('harbour');
    expect(indexName({ ...initialState, topology, indexId: null })).toBeNull();
    expect(peersPerIndex(topology).get(ID_A)).toBe(1);
  });
});
