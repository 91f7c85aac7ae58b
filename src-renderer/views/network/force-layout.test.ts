import { describe, expect, it } from 'vitest';
import type { Topology } from '../../../src-shared/api/index-routes.js';
import { createLayout, feedLayout, placeTopology, settled } from './force-layout.js';

function network(peers: number): Topology {
  const nodes: Topology['nodes'] = [{ id: 'index', role: 'index', name: 'seed', status: 'online', fileCount: 0, reputation: 100 }];
  for (let i = 0; i < peers; i++) nodes.push({ id: `peer-${i}`, role: 'peer', name: `p${i}`, status: i % 7 ? 'online' : 'offline', fileCount: i, reputation: 50 });
  const edges: Topology['edges'] = nodes.slice(1).map((n) => ({ source: n.id, target: 'index', kind: 'registration' }));
  return { nodes, edges };
}

const byId = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((n) => [n.id, n]));

describe('the network layout', () => {
  it('brings 500 nodes to rest, each tick well inside a frame', () => {
    const layout = createLayout();
    const placed = placeTopology(network(499), new Map(), []);
    feedLayout(layout, placed, true);
    const started = performance.now();
    let ticks = 0;
    while (!settled(layout) && ticks < 1_000) {
      layout.tick();
      ticks++;
    }
    expect(settled(layout)).toBe(true);
    expect((performance.now() - started) / ticks).toBeLessThan(50); // a few ms on a quiet machine; generous for a busy one
    expect(placed.nodes.every((n) => Number.isFinite(n.x) && Number.isFinite(n.y))).toBe(true);
  });

  it('keeps node objects (and positions) across refreshes, and reheats only when the shape changed', () => {
    const layout = createLayout();
    const first = placeTopology(network(20), new Map(), []);
    feedLayout(layout, first, true);
    while (!settled(layout)) layout.tick();
    const same = network(20);
    same.nodes[3] = { ...same.nodes[3]!, status: 'offline' };
    const again = placeTopology(same, byId(first.nodes), first.edges);
    expect(again.reshaped).toBe(false);
    expect(again.nodes[5]).toBe(first.nodes[5]);
    expect(again.nodes[3]?.status).toBe('offline');
    feedLayout(layout, again, false);
    expect(settled(layout)).toBe(true);
    const grown = placeTopology(network(21), byId(again.nodes), again.edges);
    expect(grown.reshaped).toBe(true);
    feedLayout(layout, grown, false);
    expect(settled(layout)).toBe(false);
  });

  it('drops edges to nodes it does not know', () => {
    const t = network(2);
    t.edges.push({ source: 'ghost', target: 'index', kind: 'transfer' });
    expect(placeTopology(t, new Map(), []).edges).toHaveLength(2);
  });

  it('draws an index server registered with itself once, with no link to itself', () => {
    const topology = network(2);
    topology.nodes.push({ id: 'index', role: 'peer', name: 'seed', status: 'online', fileCount: 3, reputation: 50 });
    topology.edges.push({ source: 'index', target: 'index', kind: 'registration' });
    const placed = placeTopology(topology, new Map(), []);
    expect(placed.nodes.map((n) => `${n.role}:${n.id}`)).toEqual(['index:index', 'peer:peer-0', 'peer:peer-1']);
    expect(placed.edges.every((e) => e.source !== e.target)).toBe(true);
    expect(placed.edges).toHaveLength(2);
  });
});
