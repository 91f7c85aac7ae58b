// Runs the layout in a worker (layout-worker.ts) and copies each frame's positions into the page's
// node objects, then asks for a paint. `onFrame(settled)` is called once per frame received.
import { useEffect, useRef } from 'react';
import type { Topology } from '../../../src-shared/api/index-routes.js';
import type { PlacedNode } from './force-layout.js';
import type { LayoutFrame, LayoutRequest } from './layout-messages.js';

export function useLayoutWorker(topology: Topology, nodes: readonly PlacedNode[], onFrame: (settled: boolean) => void): void {
  const worker = useRef<Worker | null>(null);
  const version = useRef(0);
  const current = useRef({ nodes, onFrame });
  current.current = { nodes, onFrame };

  useEffect(() => {
    const w = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<LayoutFrame>) => {
      if (e.data.version !== version.current) return; // an answer to an older topology
      const { positions } = e.data;
      current.current.nodes.forEach((n, i) => {
        n.x = positions[2 * i] ?? n.x;
        n.y = positions[2 * i + 1] ?? n.y;
      });
      current.current.onFrame(e.data.settled);
    };
    worker.current = w;
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    version.current++;
    const request: LayoutRequest = { version: version.current, topology };
    worker.current?.postMessage(request);
  }, [topology]);
}
