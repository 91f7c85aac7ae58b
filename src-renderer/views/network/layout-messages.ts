// What the page and the layout worker say to each other.
import type { Topology } from '../../../src-shared/api/index-routes.js';

/** Page → worker: the topology to lay out; `version` tells answers to an older one apart. */
export interface LayoutRequest {
  version: number;
  topology: Topology;
}

/** Worker → page: x, y of every node in the topology's order; `settled` once the layout rests. */
export interface LayoutFrame {
  version: number;
  positions: Float64Array;
  settled: boolean;
}
