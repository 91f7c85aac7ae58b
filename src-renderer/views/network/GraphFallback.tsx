// The canvas's fallback content: the nodes as a list, for a browser that draws no canvas (and for
// tests, which count the nodes). Rendered once per topology, never per frame; with the canvas's
// role="img" it is not read twice to screen readers, who have the Nodes table below.
import { memo } from 'react';
import type { PlacedNode } from './force-layout.js';

export const GraphFallback = memo(function GraphFallback({ nodes, selfId = null }: { nodes: readonly PlacedNode[]; selfId?: string | null }) {
  return (
    <ul>
      {nodes.map((n) => (
        <li key={`${n.role}:${n.id}`} data-testid="graph-node" data-role={n.role} data-you={n.id === selfId || undefined}>
          {n.name} ({n.id === selfId ? 'you, ' : ''}{n.role}, {n.status})
        </li>
      ))}
    </ul>
  );
});
