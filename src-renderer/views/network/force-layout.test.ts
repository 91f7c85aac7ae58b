import { describe, expect, it } from 'vitest';
import type { Topology } from '../../../src-shared/api/index-routes.js';
import { layoutTopology } from './force-layout.js';

function network(peers: number): Topology {
  const nodes: Topology['nodes'] = [{ id: 'index', role: 'index', name: 'seed', status: 'online', fileCount: 0, reputation: 100 }];
  for (let i = 0; i < peers; i++) nodes.push({ id: `peer-${i}`, role: 'peer', name: `p${i}`, status: i % 7 ? 'online' : 'offline', fileCount: i, reputation: 50 });
  const edges: Topology['edges'] = nodes.slice(1).map((n) => ({ source: n.id, target: 'index', kind: 'registration' }));
  return { nodes, edges };
}

describe('the network layout', () => {
  it('places 500 nodes in well under a frame budget per refresh, keeping known nodes near where they were', () => {
    const first = layoutTopology(network(499), new Map());
    expect(first.nodes).toHaveLength(500);
    expect(first.nodes.every((n) => Number.isFinite(n.x) && Number.isFinite(n.y))).toBe(true);
    const before = new Map(first.nodes.map((n) => [n.id, { x: n.x, y: n.y }]));
    const started = performance.now();
    const again = layoutTopology(network(499), before);
    expect(performance.now() - started).toBeLessThan(1_000);
    const moved = again.nodes.map((n) => Math.hypot(n.x - (before.get(n.id)?.x ?? 0), n.y - (before.get(n.id)?.y ?? 0)));
    expect(Math.max(...moved)).toBeLessThan(50);
  });

  it('drops edges to nodes it does not know', () => {
    const t = network(2);
    t.edges.push({ source: 'ghost', target: 'index', kind: 'transfer' });
    expect(layoutTopology(t, new Map()).edges).toHaveLength(2);
  });
});
