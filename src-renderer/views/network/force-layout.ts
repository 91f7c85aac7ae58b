// Places the topology's nodes with d3-force. Runs to rest in one go (500 nodes: tens of ms) and
// starts known nodes where they were, so a refresh moves the picture only where it changed.
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3-force';
import type { Topology } from '../../../src-shared/api/index-routes.js';

export type TopologyNode = Topology['nodes'][number];
export interface PlacedNode extends TopologyNode, SimulationNodeDatum {
  x: number;
  y: number;
}
export interface PlacedEdge {
  source: PlacedNode;
  target: PlacedNode;
  kind: Topology['edges'][number]['kind'];
}

export function layoutTopology(topology: Topology, previous: ReadonlyMap<string, { x: number; y: number }>): { nodes: PlacedNode[]; edges: PlacedEdge[] } {
  const nodes: PlacedNode[] = topology.nodes.map((n, i) => {
    const before = previous.get(n.id);
    // New nodes start on a spiral so the first layout is not a pile at the origin.
    const angle = i * 2.4;
    return { ...n, x: before?.x ?? Math.cos(angle) * 10 * Math.sqrt(i + 1), y: before?.y ?? Math.sin(angle) * 10 * Math.sqrt(i + 1) };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const links = topology.edges
    .filter((e) => byId.has(e.source) && byId.has(e.target))
    .map((e) => ({ source: e.source, target: e.target, kind: e.kind }));
  const simulation = forceSimulation(nodes)
    .force('link', forceLink<PlacedNode, (typeof links)[number]>(links).id((n) => n.id).distance((l) => (l.kind === 'transfer' ? 40 : 70)))
    .force('charge', forceManyBody().strength(-120))
    .force('collide', forceCollide(14))
    .force('x', forceX(0).strength(0.05))
    .force('y', forceY(0).strength(0.05))
    .stop();
  // A refresh starts cool: the layout settles the newcomers without shaking everyone else.
  if (previous.size > 0) simulation.alpha(0.1);
  simulation.tick(previous.size > 0 ? 60 : 300);
  const edges = topology.edges
    .filter((e) => byId.has(e.source) && byId.has(e.target))
    .map((e) => ({ source: byId.get(e.source) as PlacedNode, target: byId.get(e.target) as PlacedNode, kind: e.kind }));
  return { nodes, edges };
}
