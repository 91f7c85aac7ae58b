// Events an index server pushes on its WebSocket (/ws) as {type, data, timestamp}: the seed's.
import { z } from 'zod';
import { fileIdSchema } from './common.js';
import { indexPeerSchema, indexStatsSchema, peerIdSchema } from './index-routes.js';

export const indexEventSchemas = {
  peer_registered: indexPeerSchema,
  peer_offline: z.object({ peerId: peerIdSchema }),
  peer_removed: z.object({ peerId: peerIdSchema }),
  /** Files new to the index (a first source registered them); batched per request. */
  file_registered: z.object({ peerId: peerIdSchema, fileIds: z.array(fileIdSchema) }),
  /** Files no peer holds any more. */
  file_removed: z.object({ fileIds: z.array(fileIdSchema) }),
  stats_update: indexStatsSchema,
  /** A federation member's peers copied here changed (federation/replica-puller.ts): `peers` written, `removed` gone. */
  replica_changed: z.object({ indexId: z.string().max(100), peers: z.number().int(), removed: z.number().int() }),
  /** The index role is being turned off: peers move to another index server. */
  index_stopping: z.object({ indexId: z.string() }),
} as const;

export type IndexEventMap = { [K in keyof typeof indexEventSchemas]: z.infer<(typeof indexEventSchemas)[K]> };
