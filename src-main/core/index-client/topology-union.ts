// The Network view's graph when this node runs its own index besides the one it uses: both
// index servers' graphs in one, so switching "Run as index server" on shows this node's index at
// once. A node is one per role and id (an index server registered with itself is two rows); the
// first graph's word about a node wins (this node's own index about itself).
import type { Topology } from '../../../src-shared/api/index-routes.js';

export function topologyUnion(graphs: readonly Topology[]): Topology {
  const nodes = new Map<string, Topology['nodes'][number]>();
  const edges = new Map<string, Topology['edges'][number]>();
  for (const graph of graphs) {
    for (const n of graph.nodes) if (!nodes.has(`${n.role}:${n.id}`)) nodes.set(`${n.role}:${n.id}`, n);
    for (const e of graph.edges) if (!edges.has(`${e.source}>${e.target}>${e.kind}`)) edges.set(`${e.source}>${e.target}>${e.kind}`, e);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
