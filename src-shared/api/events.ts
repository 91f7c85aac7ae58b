// Events a node pushes on its WebSocket (/ws) as {type, data, timestamp}.
import { z } from 'zod';
import { fileIdSchema } from './common.js';
import { hashingStatusSchema, sharedFileSchema } from './library.js';
import { nodeStatsSchema } from './node.js';
import { downloadViewSchema, uploadViewSchema } from './transfers.js';

export const nodeEventSchemas = {
  /** A content joined the library, or gained or lost a location, or its tags changed. */
  library_file_updated: sharedFileSchema,
  /** A content left the library: no location of it remains. */
  library_file_removed: z.object({ id: fileIdSchema }),
  /** Hashing progress, coalesced to a few a second. */
  hashing_progress: hashingStatusSchema,
  /** The node's statistics, sent every few seconds and after changes (coalesced). */
  stats_update: nodeStatsSchema,
  /** A download moved: at most four a second per download, and on every state change. */
  transfer_progress: downloadViewSchema,
  /** A download finished: its whole-file hash verified and it is at its final path. */
  transfer_completed: downloadViewSchema,
  /** A download stopped for good or until resumed; `error.message` says why, for a person. */
  transfer_failed: downloadViewSchema,
  /** The uploads being served now, about once a second while any runs. */
  uploads_update: z.array(uploadViewSchema),
} as const;

export type NodeEventType = keyof typeof nodeEventSchemas;
export type NodeEventData<T extends NodeEventType> = z.infer<(typeof nodeEventSchemas)[T]>;

export interface NodeEvent<T extends NodeEventType = NodeEventType> {
  type: T;
  data: NodeEventData<T>;
  timestamp: string;
}
