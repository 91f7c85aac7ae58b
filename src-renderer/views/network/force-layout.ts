// The topology as d3-force data. Node objects live as long as their node does (kept by id), so a
// refresh keeps everyone's position and velocity and the layout only reheats when the shape of the
// network changed (a node or link came or went), not when a status or a file count did.
import { forceLink, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationNodeDatum } from 'd3-force';
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
export interface Placed {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** Nodes or links came or went since `known` (the layout must move). */
  reshaped: boolean;
}
export type Layout = Simulation<PlacedNode, PlacedEdge>;

/** Reuses the node objects in `known` (positions included); newcomers start on a spiral. */
export function placeTopology(topology: Topology, known: ReadonlyMap<string, PlacedNode>, knownEdges: readonly PlacedEdge[]): Placed {
  // One mark per node id: an index server registered with itself is also listed as a peer (the
  // index comes first and stands for both; the table below lists both roles).
  const seen = new Set<string>();
  const unique = topology.nodes.filter((n) => !seen.has(n.id) && !!seen.add(n.id));
  const nodes: PlacedNode[] = unique.map((n, i) => {
    const before = known.get(n.id);
    // (An address the index no longer gives is gone here too, not kept from before.)
    if (before) return Object.assign(before, { address: undefined }, n);
    // A spiral, not a pile at the origin: the first frames already look like a network.
    const angle = i * 2.4;
    const r = 10 * Math.sqrt(i + 1);
    return { ...n, x: Math.cos(angle) * r, y: Math.sin(angle) * r };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = topology.edges.flatMap((e) => {
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    // Links to nodes we do not know are dropped, and so is an index's link to itself (see above).
    return source && target && source !== target ? [{ source, target, kind: e.kind }] : [];
  });
  const reshaped = nodes.length !== known.size || nodes.some((n) => !known.has(n.id)) || edgeKey(edges) !== edgeKey(knownEdges);
  return { nodes, edges, reshaped };
}

function edgeKey(edges: readonly PlacedEdge[]): string {
  return edges.map((e) => `${e.source.id}>${e.target.id}:${e.kind}`).join('|');
}

/** A stopped simulation: the caller ticks it, a few ticks per animation frame. */
export function createLayout(): Layout {
  return forceSimulation<PlacedNode, PlacedEdge>([])
    .force('link', forceLink<PlacedNode, PlacedEdge>([]).distance((l) => (l.kind === 'transfer' ? 40 : l.kind === 'federation' ? 160 : 70)))
    .force('charge', forceManyBody<PlacedNode>().strength(-120).distanceMax(600))
    .force('x', forceX<PlacedNode>(0).strength(0.05))
    .force('y', forceY<PlacedNode>(0).strength(0.05))
    .alphaDecay(0.035) // rests in ~200 ticks instead of 300
    .stop();
}

/** Gives the layout new data; it reheats only if the network's shape changed (hot at first). */
export function feedLayout(layout: Layout, placed: Placed, first: boolean): void {
  layout.nodes(placed.nodes);
  layout.force<ReturnType<typeof forceLink<PlacedNode, PlacedEdge>>>('link')?.links(placed.edges);
  if (placed.reshaped) layout.alpha(first ? 1 : Math.max(layout.alpha(), 0.3));
}

export function settled(layout: Layout): boolean {
  return layout.alpha() < layout.alphaMin();
}
