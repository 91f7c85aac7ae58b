// What a node says about itself.
import { z } from 'zod';
import { hashingStatusSchema } from './library.js';
import { protocolVersionSchema } from './protocol.js';

export const nodeInfoSchema = z.object({
  id: z.string().describe('node id: this install\'s Ed25519 public key (src-shared/node-id.ts)'),
  name: z.string(),
  version: z.string(),
  apiVersion: z.literal('v1'),
  protocol: protocolVersionSchema,
  roles: z.array(z.enum(['peer', 'index'])),
  port: z.number().int(),
  indexPort: z.number().int().nullable().describe('the index port while the index role is on'),
  startedAt: z.string(),
  fileCount: z.number().int(),
  totalBytes: z.number().int(),
  proof: z.string().optional().describe('with ?challenge=…: the node key\'s signature proving this node answers at this address'),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;

export const nodeStatsSchema = z.object({
  uptimeSeconds: z.number(),
  files: z.number().int().describe('distinct shared contents (file ids)'),
  locations: z.number().int().describe('shared paths; one content can live at several'),
  totalBytes: z.number().int(),
  hashing: hashingStatusSchema,
  uploads: z.object({
    active: z.number().int(),
    served: z.number().int().describe('download answers completed since start'),
    bytesSent: z.number().int(),
  }),
  memory: z.object({ rssBytes: z.number().int(), heapUsedBytes: z.number().int() }),
});
export type NodeStats = z.infer<typeof nodeStatsSchema>;
