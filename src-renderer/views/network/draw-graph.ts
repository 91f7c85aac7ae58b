// Paints the graph on a canvas: one path per kind of edge and one per kind of node, so 500 nodes
// cost a handful of fills (an SVG of 1,000 elements moved per frame took ~80 ms a frame here).
import type { ZoomTransform } from 'd3-zoom';
import type { PlacedEdge, PlacedNode } from './force-layout.js';

export const NODE_RADIUS = 7;
const INDEX_HALF = 9;

/** Where layout coordinates land on the canvas: the nodes' bounds fitted in, then the user's zoom. */
export interface View {
  fit: { k: number; x: number; y: number };
  zoom: ZoomTransform;
}

/** Scale and offset that fit the nodes' bounds (plus a margin) into width × height CSS pixels. */
export function fitTo(nodes: readonly PlacedNode[], width: number, height: number): View['fit'] {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.x);
    maxX = Math.max(maxX, n.x);
    minY = Math.min(minY, n.y);
    maxY = Math.max(maxY, n.y);
  }
  if (!nodes.length) minX = maxX = minY = maxY = 0;
  // Never so close that three nodes fill the screen.
  const k = Math.min(width / Math.max(300, maxX - minX + 60), height / Math.max(220, maxY - minY + 60));
  return { k, x: width / 2 - k * ((minX + maxX) / 2), y: height / 2 - k * ((minY + maxY) / 2) };
}

/** The node under a point on the canvas (CSS pixels), within a few pixels of its mark, if any. */
export function nearestNode(view: View, nodes: readonly PlacedNode[], px: number, py: number): PlacedNode | null {
  const [zx, zy] = view.zoom.invert([px, py]);
  const x = (zx - view.fit.x) / view.fit.k;
  const y = (zy - view.fit.y) / view.fit.k;
  let best: PlacedNode | null = null;
  let bestDistance = (NODE_RADIUS + 6) / (view.zoom.k * view.fit.k); // a linear scan: 500 nodes cost microseconds
  for (const n of nodes) {
    const d = Math.hypot(n.x - x, n.y - y);
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

export function drawGraph(canvas: HTMLCanvasElement, view: View, nodes: readonly PlacedNode[], edges: readonly PlacedEdge[], selfId: string | null = null): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const css = getComputedStyle(canvas); // the theme's colours, so dark mode needs no second palette
  const colour = (name: string) => css.getPropertyValue(name).trim();
  const dpr = canvas.width / Math.max(1, canvas.clientWidth);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const { zoom, fit } = view;
  ctx.setTransform(dpr * zoom.k * fit.k, 0, 0, dpr * zoom.k * fit.k, dpr * (zoom.x + zoom.k * fit.x), dpr * (zoom.y + zoom.k * fit.y));
  const px = 1 / (zoom.k * fit.k); // one CSS pixel in layout units: strokes keep their width when zoomed

  // Federation links (index server to index server), thicker than registrations: the federation's backbone.
  for (const [kind, stroke, width] of [['registration', colour('--border'), 1], ['federation', colour('--muted'), 2], ['transfer', colour('--accent'), 2.5]] as const) {
    ctx.beginPath();
    for (const e of edges) {
      if (e.kind !== kind) continue;
      ctx.moveTo(e.source.x, e.source.y);
      ctx.lineTo(e.target.x, e.target.y);
    }
    ctx.strokeStyle = stroke;
    ctx.lineWidth = width * px;
    ctx.stroke();
  }

  // Each kind of node is a small bitmap drawn once per colour scheme and then stamped: 500 stamps
  // cost far less than 500 anti-aliased arcs filled and stroked in software.
  // Sprites come in steps of ~5% of scale, so a layout that zooms out a little each frame reuses them.
  const scale = Math.exp(Math.round(Math.log(dpr * zoom.k * fit.k) * 20) / 20);
  const outline = colour('--surface');
  const stamps = {
    offline: { index: sprite('index', colour('--muted'), outline, scale), peer: sprite('peer', colour('--muted'), outline, scale) },
    online: { index: sprite('index', colour('--accent'), outline, scale), peer: sprite('peer', colour('--ok'), outline, scale) },
  };
  for (const n of nodes) {
    const stamp = stamps[n.status][n.role];
    const half = stamp.width / 2 / scale;
    ctx.drawImage(stamp, n.x - half, n.y - half, 2 * half, 2 * half);
  }

  // This node: a ring around its mark and the word "you" beside it (the text keeps its size on screen).
  if (selfId === null) return;
  ctx.strokeStyle = colour('--accent');
  ctx.fillStyle = colour('--text');
  ctx.lineWidth = 2 * px;
  ctx.font = `600 ${12 * px}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  const ring = INDEX_HALF + 4;
  for (const n of nodes) {
    if (n.id !== selfId) continue;
    ctx.beginPath();
    ctx.arc(n.x, n.y, ring, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.fillText('you', n.x + ring + 4 * px, n.y);
  }
}

const sprites = new Map<string, HTMLCanvasElement>();

/** A node's mark (circle or square, filled, outlined) at `scale` device pixels per layout unit. */
function sprite(role: PlacedNode['role'], fill: string, outline: string, scale: number): HTMLCanvasElement {
  const key = `${role} ${fill} ${outline} ${scale.toFixed(2)}`;
  const known = sprites.get(key);
  if (known) return known;
  if (sprites.size > 64) sprites.clear(); // zooming makes new scales: keep only recent ones
  const half = INDEX_HALF + 2; // room for the outline
  const size = Math.max(2, Math.ceil(2 * half * scale));
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const ctx = c.getContext('2d');
  if (ctx) {
    ctx.scale(size / (2 * half), size / (2 * half));
    ctx.translate(half, half);
    ctx.beginPath();
    if (role === 'index') ctx.rect(-INDEX_HALF, -INDEX_HALF, 2 * INDEX_HALF, 2 * INDEX_HALF);
    else ctx.arc(0, 0, NODE_RADIUS, 0, 2 * Math.PI);
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.strokeStyle = outline;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  sprites.set(key, c);
  return c;
}
