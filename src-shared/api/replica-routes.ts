// Federation members keep replicas of each other's peers (docs/architecture.md, "Federation"):
// each index server serves a feed of the changes to the peers registered with it, and its members
// pull it in pages. Only a member (its node id proved over TLS) may pull. Nothing in a page is
// believed beyond these bounds and the puller's own checks (federation/replica-puller.ts).
import { z } from 'zod';
import { hostSchema } from './common.js';
import { indexedFileSchema, registerRequestSchema } from './index-routes.js';
import type { RouteSpec } from './peer-routes.js';

/** Peers (and removals) one page holds at most. */
export const MAX_REPLICA_PAGE_PEERS = 500;
/** Files one page carries about (a peer is never split: one with more comes alone). */
export const REPLICA_PAGE_FILES = 20_000;
/** Files one replicated peer lists at most (the default super_peer.max_files_per_peer). */
const MAX_REPLICA_FILES_PER_PEER = 50_000;

export const replicaPeerSchema = z.object({
  peerId: registerRequestSchema.shape.peerId,
  name: registerRequestSchema.shape.name,
  address: hostSchema,
  port: registerRequestSchema.shape.port,
  status: z.enum(['online', 'offline']),
  /** When it registered with the member (epoch ms): between two servers, the later registration wins. */
  registeredAt: z.number().int().nonnegative().max(8.64e15),
  files: z.array(indexedFileSchema).max(MAX_REPLICA_FILES_PER_PEER),
});

export const replicaPageSchema = z.object({
  /** The feed's epoch: a new one (the member's store reopened) starts the copy over. */
  epoch: z.string().min(1).max(64),
  /** Drop what was copied from this server that this copy does not send again. */
  reset: z.boolean(),
  peers: z.array(replicaPeerSchema).max(MAX_REPLICA_PAGE_PEERS),
  removed: z.array(registerRequestSchema.shape.peerId).max(MAX_REPLICA_PAGE_PEERS),
  next: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).describe('ask with `since=<next>` for what follows'),
  more: z.boolean().describe('more waits: ask again at once'),
});
export type ReplicaPage = z.infer<typeof replicaPageSchema>;

export const replicaRoutes = {
  federationReplica: {
    method: 'get', path: '/api/v1/federation/replica', access: 'public',
    summary: 'The changes to the peers registered here after a revision: for federation members keeping replicas (only they may ask)',
    query: z.object({
      since: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
      epoch: z.string().max(64).optional().describe('the epoch `since` belongs to; another (or none) copies everything again'),
      copying: z.literal('1').optional().describe('the member is copying everything this epoch (since a `reset`): a `since` older than the oldest removal kept is no reason to start over'),
    }),
    response: replicaPageSchema,
  },
} as const satisfies Record<string, RouteSpec>;
