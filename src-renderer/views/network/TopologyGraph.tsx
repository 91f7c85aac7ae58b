// The network as a live graph on a canvas: index servers are squares, peers circles, coloured by
// status; links are registrations (thin) and recent transfers (thick, accent). d3-force runs in a
// worker and this page only paints each frame's positions (no React render per tick); the worker
// stops once the layout has cooled. d3-zoom zooms and pans; hovering a node shows its details.
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomTransform } from 'd3-zoom';
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { Topology } from '../../../src-shared/api/index-routes.js';
import { drawGraph, fitTo, nearestNode, type View } from './draw-graph.js';
import { placeTopology, type Placed, type PlacedNode, type TopologyNode } from './force-layout.js';
import { GraphFallback } from './GraphFallback.js';
import { useLayoutWorker } from './use-layout-worker.js';

/**
 * The hover line: who, what, where (host:port, when the index knows it and the name is not that
 * already: a federation member that never answered is named by its address) and the full id
 * (this node is marked "you").
 */
export function nodeDetails(n: TopologyNode, selfId: string | null): string {
  const who = n.id === selfId ? `${n.name} (you)` : n.name;
  const standing = n.role === 'index' ? '' : ` · reputation ${Math.round(n.reputation)} of 100`;
  const where = n.address && n.address !== n.name ? ` · at ${n.address}` : '';
  return `${who} · ${n.role === 'index' ? 'index server' : 'peer'} · ${n.status}${where} · ${n.fileCount} files${standing} · id ${n.id}`;
}

export function TopologyGraph({ topology, selfId = null }: { topology: Topology; selfId?: string | null }) {
  const self = useRef(selfId);
  self.current = selfId;
  const canvas = useRef<HTMLCanvasElement>(null);
  const shown = useRef<Placed>({ nodes: [], edges: [], reshaped: false });
  const view = useRef<View>({ fit: { k: 1, x: 0, y: 0 }, zoom: zoomIdentity });
  const frame = useRef(0);
  const refitNext = useRef(false);
  const [hover, setHover] = useState<PlacedNode | null>(null);
  const placed = useMemo(() => placeTopology(topology, new Map(shown.current.nodes.map((n) => [n.id, n])), shown.current.edges), [topology]);
  shown.current = placed;

  /** One paint at the next animation frame, however many asked. `refit` fits the nodes in again. */
  const paint = useCallback((refit: boolean, settled?: boolean) => {
    const el = canvas.current;
    if (!el) return;
    refitNext.current ||= refit;
    // For tests and benchmarks: whether the layout is at rest (written only when it changes).
    if (settled !== undefined && el.dataset.settled !== String(settled)) el.dataset.settled = String(settled);
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (refitNext.current) view.current.fit = fitTo(shown.current.nodes, el.clientWidth, el.clientHeight);
      refitNext.current = false;
      drawGraph(el, view.current, shown.current.nodes, shown.current.edges, self.current);
    });
  }, []);

  // While the layout moves, the picture follows it (fitted); once at rest it stays where it is.
  useLayoutWorker(topology, placed.nodes, useCallback((settled: boolean) => paint(true, settled), [paint]));

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const behaviour = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.2, 8])
      .on('zoom', (e: { transform: ZoomTransform }) => {
        view.current.zoom = e.transform;
        el.dataset.zoom = e.transform.k.toFixed(2);
        paint(false);
      });
    const selection = select(el).call(behaviour);
    // The canvas holds device pixels: follow its CSS size (and the screen's pixel ratio).
    const resize = new ResizeObserver(() => {
      el.width = Math.round(el.clientWidth * devicePixelRatio);
      el.height = Math.round(el.clientHeight * devicePixelRatio);
      paint(true);
    });
    resize.observe(el);
    // Colours come from the theme's CSS variables: repaint when the theme changes.
    const theme = new MutationObserver(() => paint(false));
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      selection.on('.zoom', null);
      resize.disconnect();
      theme.disconnect();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [paint]);

  const onMouseMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    setHover(nearestNode(view.current, shown.current.nodes, e.clientX - box.left, e.clientY - box.top));
  };

  return (
    <div className="graph-wrap">
      <canvas ref={canvas} className="graph" role="img" aria-label={`Network graph: ${placed.nodes.length} nodes`} onMouseMove={onMouseMove} onMouseLeave={() => setHover(null)}>
        <GraphFallback nodes={placed.nodes} selfId={selfId} />
      </canvas>
      <p className="muted small graph-details" aria-live="polite" data-testid="graph-details">
        {hover
          ? nodeDetails(hover, selfId)
          : `Hover a node for details; scroll to zoom, drag to pan.${selfId && placed.nodes.some((n) => n.id === selfId) ? ' The ringed node is you.' : ''}`}
      </p>
    </div>
  );
}
