// The index server's API (the seed's super-peer endpoints), declared once: the index HTTP server
// validates with these schemas, peers' index clients send them, and OpenAPI is generated from them.
import { z } from 'zod';
import { categorySchema, fileIdSchema, hostPortSchema, hostSchema, pageOf, pageQuery, tagSchema } from './common.js';
import { nodeIdSchema } from '../node-id.js';
import { folderSchema } from './folder.js';
import type { RouteSpec } from './peer-routes.js';
import { protocolVersionSchema } from './protocol.js';
import { federationQueryIdSchema, federationSummarySchema, forwardedQuery } from './federation.js';

/** A peer is named by its node id: its public key (src-shared/node-id.ts). */
export const peerIdSchema = nodeIdSchema;

/** What a peer tells the index about one of its files. */
export const indexedFileSchema = z.object({
  id: fileIdSchema,
  name: z.string().min(1).max(1024),
  size: z.number().int().nonnegative(),
  mime: z.string().max(255),
  category: categorySchema,
  tags: z.array(z.string().max(40)).max(64),
  pieceSize: z.number().int().positive(),
  folder: folderSchema.optional(),
});
export type IndexedFile = z.infer<typeof indexedFileSchema>;

/** At most this many files per request; bigger libraries follow up with /files/register batches. */
export const MAX_FILES_PER_REQUEST = 5000;

/**
 * An index server's signed word that it lists a node at an address, having accepted its
 * registration there (its call-back answered with the node's key, address-check.ts, or a receipt
 * standing for it). Given with a registration, renewed on a heartbeat that asks; the index server
 * itself, or another of its federation, takes a fresh one instead of calling the node back again
 * (index/address-receipts.ts).
 */
export const addressReceiptSchema = z.object({
  indexId: nodeIdSchema,
  /** The address and port it lists the node at (as its registration answer says). */
  address: z.string().max(253),
  port: z.number().int().min(1).max(65535),
  /** When it signed (epoch ms). */
  at: z.number().int().nonnegative(),
  /** The index's node key over the receipt statement (signed-statement.ts), base64url. */
  signature: z.string().max(200),
});
export type AddressReceipt = z.infer<typeof addressReceiptSchema>;
/** How long a receipt spares a call-back; a peer asks for a new one on a heartbeat once its own is half that old. */
export const ADDRESS_RECEIPT_TTL_MS = 10 * 60_000;

export const registerRequestSchema = z.object({
  peerId: peerIdSchema,
  name: z.string().trim().min(1).max(100),
  port: z.number().int().min(1).max(65535),
  /** A reachable host or IP; omitted, the index uses the address it sees the request from. */
  address: hostSchema.optional(),
  version: z.string().max(40).optional(),
  protocol: protocolVersionSchema,
  files: z.array(indexedFileSchema).max(MAX_FILES_PER_REQUEST),
  /** True when more files follow in /files/register batches. */
  partial: z.boolean().default(false),
  /** A challenge from GET /api/v1/peers/challenge, at most a minute old, used once. */
  challenge: z.string().max(100),
  /** The node key's signature (base64url) over the registration statement (signed-statement.ts). */
  signature: z.string().max(200),
  /** The latest address receipt this node holds: a fresh one from this index server or its federation spares the call-back. */
  receipt: addressReceiptSchema.optional(),
});
export type RegisterRequest = z.input<typeof registerRequestSchema>;

export const registerResponseSchema = z.object({
  peerId: peerIdSchema,
  indexId: z.string(),
  /** Presented as `Authorization: Bearer …` on every later call of this peer. */
  sessionToken: z.string(),
  heartbeatIntervalMs: z.number().int().positive(),
  /** The address the index will give downloaders; it called this node back there. */
  address: z.string(),
  protocol: protocolVersionSchema,
  /** That the index reached this node there, signed: kept and shown to the next index server (a failover). */
  receipt: addressReceiptSchema.optional(),
});
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

export const challengeResponseSchema = z.object({
  indexId: z.string().describe('signed with the challenge: a registration for this index is no good at another'),
  challenge: z.string(),
});

export const heartbeatRequestSchema = z.object({
  peerId: peerIdSchema,
  activeUploads: z.number().int().nonnegative().default(0),
  freeUploadSlots: z.number().int().nonnegative().default(0),
  /** Asks for a new address receipt (the one held is getting old). */
  renewReceipt: z.boolean().optional(),
});
export const heartbeatResponseSchema = z.object({ ok: z.literal(true), heartbeatIntervalMs: z.number().int().positive(), receipt: addressReceiptSchema.optional() });

export const fileUpdateRequestSchema = z.object({
  peerId: peerIdSchema,
  added: z.array(indexedFileSchema).max(MAX_FILES_PER_REQUEST).default([]),
  removed: z.array(fileIdSchema).max(MAX_FILES_PER_REQUEST).default([]),
});
export const fileUpdateResponseSchema = z.object({ ok: z.literal(true), files: z.number().int() });

export const unregisterRequestSchema = z.object({ peerId: peerIdSchema });

export const transferReportSchema = z.object({
  peerId: peerIdSchema.describe('the reporting (downloading) peer'),
  sourcePeerId: peerIdSchema,
  fileId: fileIdSchema,
  outcome: z.enum(['verified', 'corrupt', 'failed']),
  bytes: z.number().int().nonnegative().default(0),
  downloadId: z.string().min(1).max(64).optional()
    .describe('the reporter\u2019s id of the download: one report per (reporter, source, file, download) counts (absent: one per file)'),
});

export const transferReportResponseSchema = z.object({
  ok: z.literal(true),
  counted: z.boolean().describe('whether it moved the source\u2019s reputation (see docs/security.md, "What the index believes")'),
  weight: z.number().describe('what the reporter\u2019s reports weigh, 0 to 1 (its standing and age)'),
  effect: z.number().describe('the change it made to the source\u2019s reputation'),
  reason: z.string().optional().describe('why it did not count'),
});

export const peerStatusSchema = z.enum(['online', 'offline']);

export const indexPeerSchema = z.object({
  peerId: peerIdSchema,
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  url: z.string().describe('base address of the peer API'),
  status: peerStatusSchema,
  fileCount: z.number().int(),
  reputation: z.number().describe('0 to 100'),
  activeUploads: z.number().int(),
  freeUploadSlots: z.number().int(),
  registeredAt: z.string(),
  lastSeen: z.string(),
});
export type IndexPeer = z.infer<typeof indexPeerSchema>;

export const sourceSchema = z.object({
  peerId: peerIdSchema,
  name: z.string(),
  url: z.string().describe('the download address of this file on that peer'),
  reputation: z.number(),
  activeUploads: z.number().int(),
  freeUploadSlots: z.number().int(),
});

export const searchResultSchema = z.object({
  id: fileIdSchema,
  name: z.string(),
  names: z.array(z.string()),
  folders: z.array(z.string()).optional().describe('the folders peers keep it in, inside their shared folders (tell same-named files apart)'),
  size: z.number().int(),
  mime: z.string(),
  category: categorySchema,
  tags: z.array(z.string()),
  pieceSize: z.number().int(),
  sourceCount: z.number().int().describe('online sources'),
  sources: z.array(sourceSchema).describe('online sources, best first'),
  firstSeen: z.string(),
  inLibrary: z.boolean().optional().describe('this node shares it already (only in a node\u2019s answers to its local user, which then list it as no source)'),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const searchSorts = ['relevance', 'size', 'sources', 'newest'] as const;

export const searchQuerySchema = z.object({
  // Not trimmed: a trailing space is meaningful (search-query-parser.ts: `holid` is a prefix, `holid ` a whole word).
  q: z.string().max(200).default(''),
  category: categorySchema.optional(),
  ext: z.string().trim().toLowerCase().regex(/^[a-z0-9]{1,16}$/).optional(),
  minSize: z.coerce.number().int().nonnegative().optional(),
  maxSize: z.coerce.number().int().nonnegative().optional(),
  tag: tagSchema.optional(),
  minSources: z.coerce.number().int().min(0).max(1000).default(1),
  sort: z.enum(searchSorts).default('relevance'),
  order: z.enum(['asc', 'desc']).optional(),
  ...pageQuery,
  // Federation (federation.ts): set by index servers forwarding a query, or `more` by a client.
  ...forwardedQuery,
  more: federationQueryIdSchema.optional().describe('the `federation.queryId` of an earlier answer to the same query: wait for the rest of the federation and answer it all'),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const searchResponseSchema = pageOf(searchResultSchema).extend({
  tookMs: z.number(),
  totalIsEstimate: z.boolean().optional()
    .describe('true when `total` is estimated (a broad query: the index stops counting after the first hits); show it as "about N"'),
  federation: federationSummarySchema.optional().describe('an index server that federates: how many index servers answered'),
});
export type SearchResponse = z.infer<typeof searchResponseSchema>;

export const indexStatsSchema = z.object({
  peersOnline: z.number().int(),
  peersTotal: z.number().int(),
  uniqueFiles: z.number().int(),
  availableFiles: z.number().int().describe('files with at least one online source'),
  totalBytes: z.number().int().describe('bytes of unique files available online'),
  searchesPerMinute: z.number(),
  registrations: z.number().int().describe('registrations since the index started'),
  heartbeatsPerMinute: z.number(),
  uptimeSeconds: z.number(),
});
export type IndexStats = z.infer<typeof indexStatsSchema>;

export const topologySchema = z.object({
  nodes: z.array(z.object({
    id: z.string(),
    role: z.enum(['index', 'peer']),
    name: z.string(),
    status: z.enum(['online', 'offline']),
    fileCount: z.number().int(),
    reputation: z.number(),
    address: hostPortSchema.max(300).optional()
      .describe('host:port where the index reached it (a peer\u2019s registered address, a federation member\u2019s); absent where it does not know one'),
  })),
  edges: z.array(z.object({
    source: z.string(),
    target: z.string(),
    kind: z.enum(['registration', 'transfer', 'federation']),
    bytes: z.number().int().optional(),
  })),
});
export type Topology = z.infer<typeof topologySchema>;

const fileIdParams = z.object({ fileId: fileIdSchema });
const okResponse = z.object({ ok: z.literal(true) });

export const indexRoutes = {
  challenge: {
    method: 'get', path: '/api/v1/peers/challenge', access: 'public',
    summary: 'A fresh challenge a peer signs to register', response: challengeResponseSchema,
  },
  register: {
    method: 'post', path: '/api/v1/peers/register', access: 'public',
    summary: 'A peer announces itself and its files', body: registerRequestSchema, response: registerResponseSchema,
  },
  heartbeat: {
    method: 'post', path: '/api/v1/peers/heartbeat', access: 'public',
    summary: 'Keeps a registered peer online (session token)', body: heartbeatRequestSchema, response: heartbeatResponseSchema,
  },
  unregister: {
    method: 'post', path: '/api/v1/peers/unregister', access: 'public',
    summary: 'A peer leaves (session token)', body: unregisterRequestSchema, response: okResponse,
  },
  listPeers: {
    method: 'get', path: '/api/v1/peers', access: 'public',
    summary: 'Registered peers', query: z.object({ ...pageQuery, status: peerStatusSchema.optional() }), response: pageOf(indexPeerSchema),
  },
  stats: {
    method: 'get', path: '/api/v1/stats', access: 'public',
    summary: 'Network statistics', response: indexStatsSchema,
  },
  registerFiles: {
    method: 'post', path: '/api/v1/files/register', access: 'public',
    summary: 'Added and removed files of a peer, in batches (session token)', body: fileUpdateRequestSchema, response: fileUpdateResponseSchema,
  },
  search: {
    method: 'get', path: '/api/v1/files/search', access: 'public',
    summary: 'Search the network\u2019s files', query: searchQuerySchema, response: searchResponseSchema,
  },
  listFiles: {
    method: 'get', path: '/api/v1/files', access: 'public',
    summary: 'Every indexed file, newest first; with `idPrefix`, those whose id starts so (how `shoal get` takes a short id)',
    query: z.object({
      ...pageQuery,
      idPrefix: z.string().regex(/^[0-9a-f]{4,64}$/, 'expected 4 to 64 lowercase hex digits').optional(),
    }),
    response: searchResponseSchema,
  },
  getFile: {
    method: 'get', path: '/api/v1/files/:fileId', access: 'public',
    summary: 'One indexed file with every online source, best first (what a downloader asks); a federating index server adds the sources the federation knows',
    params: fileIdParams, query: z.object(forwardedQuery), response: searchResultSchema,
  },
  metalink: {
    method: 'get', path: '/api/v1/files/:fileId/metalink', access: 'public',
    summary: 'A Metalink 4 document (RFC 5854, application/metalink4+xml) for aria2c and other clients: every online source, the SHA-256 and the piece hashes',
    params: fileIdParams,
  },
  torrent: {
    method: 'get', path: '/api/v1/files/:fileId/torrent', access: 'public',
    summary: 'The file as a BitTorrent v2 torrent (BEP 52, `<name>.torrent`) whose web seeds (BEP 19) are every online source',
    params: fileIdParams, document: 'application/x-bittorrent',
  },
  download: {
    method: 'get', path: '/api/v1/download/:fileId', access: 'public',
    summary: 'Redirects to the best online source', params: fileIdParams, redirect: true,
  },
  reportTransfer: {
    method: 'post', path: '/api/v1/transfers/report', access: 'public',
    summary: 'A downloader reports how a source did (session token)', body: transferReportSchema, response: transferReportResponseSchema,
  },
  topology: {
    method: 'get', path: '/api/v1/topology', access: 'public',
    summary: 'Index servers and peers as a graph (with the federation\u2019s index servers, their links and peers)',
    query: z.object({ hops: forwardedQuery.hops }), response: topologySchema,
  },
} as const satisfies Record<string, RouteSpec>;
