// Index servers that federate (docs/architecture.md, "Federation"): what one index server sends
// another, and what it answers about the federation. A search or a source lookup on any index
// server is forwarded to the index servers it knows, which answer their part; these schemas bound
// every such message, because nothing another index server says is trusted.
import { z } from 'zod';
import { normalizeNodeId } from '../node-id.js';
import { hostPortSchema } from './common.js';
import { indexAddressSchema } from './index-address.js';
import type { RouteSpec } from './peer-routes.js';

/** The most hops a forwarded query may have made (the configured limit is at most this). */
const MAX_FEDERATION_HOPS = 8;
/** The most time a forwarded query may ask its receiver to spend waiting for the receiver's own forwards. */
export const MAX_FORWARD_BUDGET_MS = 10_000;
/** Index servers one answer lists at most (GET /api/v1/federation). */
export const MAX_LISTED_INDEX_SERVERS = 64;

/** A query's id: random, made by the index server where the query started; a server answers each id once. */
export const federationQueryIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'expected 16 to 64 letters, digits, "-" or "_"');

/** Index servers a forwarded query names as asked already, at most. */
export const MAX_ASKED = 16;

/** Node ids, comma-separated (each with its check characters); at most MAX_ASKED. */
const askedSchema = z.string().max(MAX_ASKED * 64).transform((text, ctx) => {
  const ids = text.split(',').map((id) => normalizeNodeId(id));
  if (ids.length > MAX_ASKED || ids.some((id) => id === undefined)) {
    ctx.addIssue({ code: 'custom', message: `expected at most ${MAX_ASKED} node ids, comma-separated` });
    return z.NEVER;
  }
  return ids as string[];
});

/**
 * What an index server adds to a query it forwards: the query's id, how many hops it has made,
 * and how long the receiver may wait for its own forwards. Absent: the query started here.
 */
export const forwardedQuery = {
  fq: federationQueryIdSchema.optional().describe('set by an index server forwarding the query: the query\u2019s id (each server answers an id once)'),
  hops: z.coerce.number().int().min(1).max(MAX_FEDERATION_HOPS).optional().describe('with `fq`: the hops the query has made'),
  budget: z.coerce.number().int().min(0).max(MAX_FORWARD_BUDGET_MS).optional().describe('with `fq`: milliseconds the receiver may wait for its own forwards'),
  asked: askedSchema.optional().describe('with `fq`: the index servers asked already, by id, comma-separated (the sender and its other targets): the receiver forwards the query to none of them'),
};

/** What a federated answer says about the federation's part in it. */
export const federationSummarySchema = z.object({
  queryId: federationQueryIdSchema.describe('ask again with `more=<queryId>` (same query) for the answers that came after the deadline'),
  asked: z.number().int().describe('index servers the query was forwarded to'),
  answered: z.number().int(),
  pending: z.number().int().describe('still expected: a second page of "more results from the network" may add to the answer'),
  duplicate: z.boolean().optional().describe('this server had answered this query already (a cycle): nothing new'),
});
export type FederationSummary = z.infer<typeof federationSummarySchema>;

export const federatedIndexServerSchema = z.object({
  address: hostPortSchema.pipe(z.string().max(300)),
  indexId: z.string().max(100).nullable().describe('the index server\u2019s node id, once it answered'),
  lastSeen: z.string().max(40).nullable().describe('when it last answered (ISO 8601)'),
});
export type FederatedIndexServer = z.infer<typeof federatedIndexServerSchema>;

const federationStatsSchema = z.object({
  forwardedReceived: z.number().int().describe('forwarded queries received'),
  duplicatesRefused: z.number().int().describe('forwarded queries answered empty: their id was seen already'),
  forwardedSent: z.number().int(),
  shed: z.number().int().describe('queries answered without forwarding: too many forwards in flight'),
  replicas: z.object({
    pages: z.number().int().describe('pages of members\u2019 feeds copied'),
    peers: z.number().int().describe('members\u2019 peers written here'),
    removed: z.number().int().describe('removals the members\u2019 feeds sent'),
    refused: z.number().int().describe('members\u2019 peers not copied: past the bounds, at an address no downloader may be sent to, or refused by access control'),
    failures: z.number().int().describe('pulls that failed (no answer, or an answer outside its bounds)'),
    dropped: z.number().int().describe('copies removed: members that stopped answering, or what a full copy did not send again'),
  }).optional().describe('the copies of members\u2019 peers kept here (super_peer.federation_replicas)'),
});

export const federationListSchema = z.object({
  indexId: z.string().max(100),
  servers: z.array(federatedIndexServerSchema).max(MAX_LISTED_INDEX_SERVERS),
  stats: federationStatsSchema.optional(),
});

export const federationRoutes = {
  federationServers: {
    method: 'get', path: '/api/v1/federation', access: 'public',
    summary: 'The index servers this one federates with (eMule\u2019s server list): try them, trust nothing',
    query: z.object({
      port: z.coerce.number().int().min(1).max(65535).optional()
        .describe('an index server asking gives its index port: it is tried back at the address it asked from'),
    }),
    response: federationListSchema,
  },
} as const satisfies Record<string, RouteSpec>;

/** Index servers the user may add in Settings (besides `super_peer.federation`). */
export const MAX_ADDED_FEDERATION = 32;

export const federationSettingsSchema = z.object({
  configured: z.array(z.string()).describe('`super_peer.federation`: changed in the config file'),
  added: z.array(z.string()).describe('added in Settings, kept by the node'),
  servers: z.array(z.object({
    address: z.string(),
    origin: z.enum(['configured', 'added', 'lan', 'learned']),
    indexId: z.string().nullable(),
    lastSeen: z.string().nullable().describe('when it last answered (ISO 8601)'),
    answering: z.boolean().describe('it answered its last probe: queries are forwarded to it'),
    identity: z.object({
      nodeId: z.string().describe('the id given with its address (host:port#NODEID): the only node accepted there'),
      presented: z.string().nullable().describe('another id it proved when last asked (PEER_IDENTITY_MISMATCH): refused, no query goes to it'),
    }).optional().describe('only for a server given with its id'),
  })).describe('every index server this one federates with or tries, and how it is doing'),
});
export type FederationSettingsView = z.infer<typeof federationSettingsSchema>;

export const setFederationSchema = z.object({
  added: z.array(indexAddressSchema).max(MAX_ADDED_FEDERATION).describe('the whole list of index servers added in Settings: "host:port", or "host:port#NODEID" to accept only that node there'),
});
