// Events a node pushes on its WebSocket (/ws) as {type, data, timestamp}.
import { z } from 'zod';
import { fileIdSchema } from './common.js';
import { hashingStatusSchema, sharedFileSchema } from './library.js';
import { nodeStatsSchema } from './node.js';

export const nodeEventSchemas = {
  /** A content joined the library, or gained or lost a location, or its tags changed. */
  library_file_updated: sharedFileSchema,
  /** A content left the library: no location of it remains. */
  library_file_removed: z.object({ id: fileIdSchema }),
  /** Hashing progress, coalesced to a few a second. */
  hashing_progress: hashingStatusSchema,
  /** The node's statistics, sent every few seconds and after changes (coalesced). */
  stats_update: nodeStatsSchema,
} as const;

export type NodeEventType = keyof typeof nodeEventSchemas;
export type NodeEventData<T extends NodeEventType> = z.infer<(typeof nodeEventSchemas)[T]>;

export interface NodeEvent<T extends NodeEventType = NodeEventType> {
  type: T;
  data: NodeEventData<T>;
  timestamp: string;
}

export const eventEnvelopeSchema = z.object({
  type: z.enum(Object.keys(nodeEventSchemas) as [NodeEventType, ...NodeEventType[]]),
  data: z.unknown(),
  timestamp: z.string(),
});
