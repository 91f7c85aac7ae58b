// The Network view's graph when this node runs its own index besides the one it uses: both
// index servers' graphs in one, so switching "Run as index server" on shows this node's index at
// once. A node is one per role and id (an index server registered with itself is two rows); the
// first graph's word about a node wins (this node's own index about itself), except for an address
// it does not know and a later graph does (an index server knows no address of its own; a server
// federated with it does).
import type { Topology } from '../../../src-shared/api/index-routes.js';

export function topologyUnion(graphs: readonly Topology[]): Topology {
  const nodes = new Map<string, Topology['nodes'][number]>();
  const edges = new Map<string, Topology['edges'][number]>();
  for (const graph of graphs) {
    for (const n of graph.nodes) {
      const key = `${n.role}:${n.id}`;
      const had = nodes.get(key);
      if (!had) nodes.set(key, n);
      else if (had.address === undefined && n.address !== undefined) nodes.set(key, { ...had, address: n.address });
    }
    for (const e of graph.edges) if (!edges.has(`${e.source}>${e.target}>${e.kind}`)) edges.set(`${e.source}>${e.target}>${e.kind}`, e);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
