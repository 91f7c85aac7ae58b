// The network as a graph: index servers are squares, peers circles, coloured by status; links are
// registrations (thin) and recent transfers (thick, accent). Zoom and pan with d3-zoom.
import { select } from 'd3-selection';
import { zoom, type ZoomTransform } from 'd3-zoom';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Topology } from '../../../src-shared/api/index-routes.js';
import { layoutTopology, type PlacedNode } from './force-layout.js';

export function TopologyGraph({ topology }: { topology: Topology }) {
  const svg = useRef<SVGSVGElement>(null);
  const positions = useRef(new Map<string, { x: number; y: number }>());
  const layer = useRef<SVGGElement>(null);
  const [hover, setHover] = useState<PlacedNode | null>(null);
  const { nodes, edges } = useMemo(() => layoutTopology(topology, positions.current), [topology]);
  const viewBox = useMemo(() => fitViewBox(nodes), [nodes]);

  useEffect(() => {
    positions.current = new Map(nodes.map((n) => [n.id, { x: n.x, y: n.y }]));
  }, [nodes]);

  useEffect(() => {
    if (!svg.current) return;
    // Zooming moves one <g>, straight in the DOM: no React render of 500 nodes per wheel step.
    const behaviour = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.2, 8])
      .on('zoom', (e: { transform: ZoomTransform }) => layer.current?.setAttribute('transform', e.transform.toString()));
    const selection = select(svg.current).call(behaviour);
    return () => void selection.on('.zoom', null);
  }, []);

  return (
    <div className="graph-wrap">
      <svg ref={svg} className="graph" viewBox={viewBox} role="img" aria-label={`Network graph: ${nodes.length} nodes`}>
        <g ref={layer}>
          {edges.map((e, i) => (
            <line key={i} className={`edge ${e.kind}`} x1={e.source.x} y1={e.source.y} x2={e.target.x} y2={e.target.y} />
          ))}
          {nodes.map((n) => (
            <g
              key={n.id}
              className={`node ${n.role} ${n.status}`}
              transform={`translate(${n.x},${n.y})`}
              data-testid="graph-node"
              data-role={n.role}
              onMouseEnter={() => setHover(n)}
              onMouseLeave={() => setHover(null)}
            >
              {n.role === 'index' ? <rect x={-9} y={-9} width={18} height={18} rx={3} /> : <circle r={7} />}
              <title>{`${n.name} (${n.role}, ${n.status}) · ${n.fileCount} files · reputation ${Math.round(n.reputation)}`}</title>
            </g>
          ))}
        </g>
      </svg>
      <p className="muted small graph-details" aria-live="polite">
        {hover
          ? `${hover.name} · ${hover.role === 'index' ? 'index server' : 'peer'} · ${hover.status} · ${hover.fileCount} files · reputation ${Math.round(hover.reputation)}`
          : 'Hover a node for details; scroll to zoom, drag to pan.'}
      </p>
    </div>
  );
}

/** The nodes' bounds with a margin, never so small that three nodes fill the screen. */
function fitViewBox(nodes: readonly PlacedNode[]): string {
  const MIN_WIDTH = 300;
  const MIN_HEIGHT = 220;
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const cx = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : 0;
  const cy = ys.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : 0;
  const w = Math.max(MIN_WIDTH, xs.length ? Math.max(...xs) - Math.min(...xs) + 60 : 0);
  const h = Math.max(MIN_HEIGHT, ys.length ? Math.max(...ys) - Math.min(...ys) + 60 : 0);
  return `${cx - w / 2} ${cy - h / 2} ${w} ${h}`;
}
