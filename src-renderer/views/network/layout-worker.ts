// The force layout off the page's thread: d3-force ticks here (a tick of 500 nodes costs several ms
// on a busy 2-core machine, more than a frame can spare) and posts positions at most once per
// frame's worth of ticks; the page only paints. Stops ticking once the layout has cooled.
import { createLayout, feedLayout, placeTopology, settled, type Placed } from './force-layout.js';
import type { LayoutFrame, LayoutRequest } from './layout-messages.js';

const TICKS_MS = 8; // ticks between two posts: half a frame
const REST_MS = 8; // then the worker rests, leaving CPU time to the page's paint on 2-core machines

const layout = createLayout();
let shown: Placed = { nodes: [], edges: [], reshaped: false };
let version = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  const first = shown.nodes.length === 0;
  version = e.data.version;
  shown = placeTopology(e.data.topology, new Map(shown.nodes.map((n) => [n.id, n])), shown.edges);
  feedLayout(layout, shown, first);
  clearTimeout(timer);
  step();
};

function step(): void {
  const until = performance.now() + TICKS_MS;
  while (!settled(layout) && performance.now() < until) layout.tick();
  const positions = new Float64Array(shown.nodes.length * 2);
  shown.nodes.forEach((n, i) => {
    positions[2 * i] = n.x;
    positions[2 * i + 1] = n.y;
  });
  const frame: LayoutFrame = { version, positions, settled: settled(layout) };
  self.postMessage(frame, { transfer: [positions.buffer] });
  timer = frame.settled ? undefined : setTimeout(step, REST_MS);
}
