// The peer API, declared once. The HTTP server registers a handler per route from this table and
// validates with these schemas; the OpenAPI document is generated from it, so neither can drift.
import { z } from 'zod';
import { fileIdSchema, categorySchema, hostPortSchema, okSchema, pageOf, pageQuery } from './common.js';
import {
  piecesSchema,
  setTagsRequestSchema,
  shareRequestSchema,
  shareResponseSchema,
  sharedFileSchema,
  unshareResponseSchema,
} from './library.js';
import { federationSettingsSchema, setFederationSchema } from './federation.js';
import { indexAddressSchema } from './index-address.js';
import { searchQuerySchema, searchResponseSchema, searchResultSchema, topologySchema } from './index-routes.js';
import { identityUpdateSchema, identityViewSchema } from './identity.js';
import { dhtSettingsSchema, dhtSettingsUpdateSchema } from './dht.js';
import { nodeInfoSchema, nodeStatsSchema } from './node.js';
import { accessRoutes } from './access-routes.js';
import { batchRoutes } from './batch-routes.js';
import { unsharedRoutes } from './unshared-routes.js';
import { listFilesFilterSchema } from './library-query.js';
import {
  downloadIdSchema,
  downloadViewSchema,
  startDownloadSchema,
  transferSettingsSchema,
  transferSettingsUpdateSchema,
  uploadViewSchema,
} from './transfers.js';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path: `/api/v1/files/:fileId`. */
  path: string;
  summary: string;
  /** `control` routes answer only the local user holding the node's token. */
  access: 'public' | 'control';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** JSON answer schema; absent for routes that stream bytes or redirect. */
  response?: z.ZodType;
  /** The route answers with a redirect (302) instead of content. */
  redirect?: boolean;
  /** The route answers one whole document of this media type, not JSON (a .torrent, a Metalink). */
  document?: string;
  /** Bytes streamed over HTTP: not a method of the node API over IPC (ipc-contract.ts). */
  httpOnly?: true;
  /** The body is multipart/form-data, files in the field "file" (streamed, not JSON). */
  multipart?: true;
  /** A larger JSON body than the server's usual limit (batches of up to 10,000 ids). */
  bodyLimit?: string;
}

const fileIdParams = z.object({ fileId: fileIdSchema });
const downloadParams = z.object({ downloadId: downloadIdSchema });

export const listFilesQuerySchema = listFilesFilterSchema.extend(pageQuery);

export const localSearchQuerySchema = z.object({
  q: z.string().trim().min(1).max(200),
  ...pageQuery,
  category: categorySchema.optional(),
});

export const indexRoleSchema = z.object({
  enabled: z.boolean(),
  state: z.enum(['off', 'starting', 'on', 'stopping']),
  port: z.number().int().nullable().describe('the index port while the role is on'),
  indexId: z.string(),
  lastError: z.string().nullable(),
  waitingForPort: z.boolean().optional().describe('the index port is taken: it is tried again every few seconds until it frees up or the role is turned off'),
  suggestedPort: z.number().int().nullable().optional().describe('the index port is taken: a free one to offer instead'),
});
export type IndexRoleView = z.infer<typeof indexRoleSchema>;

/** Which node id an index server's address must prove (net/index-pins.ts). */
const indexServerIdentitySchema = z.object({
  nodeId: z.string().describe('the id accepted at this address: given with it (host:port#NODEID), or the one it proved first (its pin, kept across restarts)'),
  given: z.boolean().describe('given in the configuration (peer.super_peer_address, --index-server): only the configuration changes it'),
  presented: z.string().nullable().describe('another id this address proved when last refused (PEER_IDENTITY_MISMATCH); forgetting the pin (DELETE /api/v1/index-servers/{address}/pin) trusts whoever answers next'),
});
export type IndexServerIdentity = z.infer<typeof indexServerIdentitySchema>;

export const indexConnectionSchema = z.object({
  state: z.enum(['idle', 'connecting', 'registered', 'backoff']),
  server: z.string().nullable().describe('the index server this peer is registered with'),
  lastError: z.string().nullable(),
  servers: z.array(z.object({
    address: z.string(),
    source: z.enum(['configured', 'added', 'self', 'discovered'])
      .describe('configured: config file or --index-server; added: by hand at runtime; self: this node\u2019s own index; discovered: found on the LAN'),
    state: z.enum(['standby', 'connecting', 'registered', 'failing', 'away'])
      .describe('standby: not asked yet or not needed; failing: its last calls failed; away: full, overloaded or this node\u2019s own, skipped a while'),
    reachable: z.boolean().nullable().describe('whether it answered when last asked (null: not asked yet); every known server is asked now and then'),
    lastError: z.string().nullable(),
    lastTriedAt: z.string().nullable(),
    rttMs: z.number().nullable().describe('round trip of its last answer (the nearest is preferred among servers of one kind)'),
    identity: indexServerIdentitySchema.optional().describe('the node id accepted at this address; absent: none known yet (not reached over TLS, no id given)'),
  })),
});
export type IndexConnectionView = z.infer<typeof indexConnectionSchema>;
export type IndexServerSource = IndexConnectionView['servers'][number]['source'];

/** At most this many index servers added by hand (Settings, POST /api/v1/index-servers). */
export const MAX_ADDED_INDEX_SERVERS = 20;

/** An index server added by hand; the URL form (DELETE) percent-encodes it: `127.0.0.1%3A8080`. */
export const indexServerAddressSchema = z.object({ address: hostPortSchema });
/** An index server to add: `host:port`, or `host:port#NODEID` to accept only that node there. */
const newIndexServerSchema = z.object({ address: indexAddressSchema.describe('"host:port", or "host:port#NODEID" (the index server\u2019s full node id): only that node is accepted there, from the first contact') });

export const uploadResponseSchema = z.object({
  files: z.array(z.object({
    name: z.string().describe('the name it was saved under (never overwriting: "name (1).ext")'),
    path: z.string().describe('where it is, inside the shared folder'),
    size: z.number().int().nonnegative(),
  })),
});
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

export const peerRoutes = {
  getInfo: {
    method: 'get', path: '/api/v1/info', access: 'public',
    summary: 'Who this node is; with a challenge, signed (how an index server checks a peer\'s address)',
    query: z.object({ challenge: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'a challenge is 16 to 64 base64url characters').optional() }),
    response: nodeInfoSchema,
  },
  getStats: {
    method: 'get', path: '/api/v1/stats', access: 'public',
    summary: 'Library, hashing and upload statistics', response: nodeStatsSchema,
  },
  listFiles: {
    method: 'get', path: '/api/v1/files', access: 'public',
    summary: 'Shared files, paged and filtered', query: listFilesQuerySchema, response: pageOf(sharedFileSchema),
  },
  getFile: {
    method: 'get', path: '/api/v1/files/:fileId', access: 'public',
    summary: 'One shared file', params: fileIdParams, response: sharedFileSchema,
  },
  getPieces: {
    method: 'get', path: '/api/v1/files/:fileId/pieces', access: 'public',
    summary: 'Piece size and piece hashes of a file', params: fileIdParams, response: piecesSchema,
  },
  getTorrent: {
    method: 'get', path: '/api/v1/files/:fileId/torrent', access: 'public',
    summary: 'The file as a BitTorrent v2 torrent (BEP 52, `<name>.torrent`) with this peer as its web seed (BEP 19)',
    params: fileIdParams, document: 'application/x-bittorrent', httpOnly: true,
  },
  shareFiles: {
    method: 'post', path: '/api/v1/files/share', access: 'control',
    summary: 'Share a file or folder by its path', body: shareRequestSchema, response: shareResponseSchema,
  },
  unshareFile: {
    method: 'delete', path: '/api/v1/files/unshare/:fileId', access: 'control',
    summary: 'Stop sharing a file (every location of its content)', params: fileIdParams, response: unshareResponseSchema,
  },
  setFileTags: {
    method: 'put', path: '/api/v1/files/:fileId/tags', access: 'control',
    summary: 'Set the user\u2019s tags of a file', params: fileIdParams, body: setTagsRequestSchema, response: sharedFileSchema,
  },
  download: {
    method: 'get', path: '/api/v1/download/:fileId', access: 'public',
    summary: 'The file\u2019s bytes (single HTTP ranges, ETag = file id)', params: fileIdParams, httpOnly: true,
  },
  downloadAs: {
    method: 'get', path: '/api/v1/download/:fileId/:fileName', access: 'public',
    summary: 'The same bytes under any file name: BitTorrent web seeds (BEP 19) ask for `<seed URL>/<file name>`',
    params: z.object({ fileId: fileIdSchema, fileName: z.string().min(1).max(1024) }), httpOnly: true,
  },
  searchLocal: {
    method: 'get', path: '/api/v1/search', access: 'public',
    summary: 'Search this node\u2019s own library by name and tag', query: localSearchQuerySchema, response: pageOf(sharedFileSchema),
  },
  getIndexRole: {
    method: 'get', path: '/api/v1/settings/index-role', access: 'control',
    summary: 'Whether this node runs as an index server', response: indexRoleSchema,
  },
  setIndexRole: {
    method: 'put', path: '/api/v1/settings/index-role', access: 'control',
    summary: 'Turn the index server role on or off, live', response: indexRoleSchema,
    body: z.object({ enabled: z.boolean(), port: z.number().int().min(1).max(65_535).optional().describe('listen on this index port from now on (the configured one was taken)') }),
  },
  getFederation: {
    method: 'get', path: '/api/v1/settings/federation', access: 'control',
    summary: 'The index servers this node\u2019s index federates with (configured, added, on the LAN, learned) and whether each answers',
    response: federationSettingsSchema,
  },
  setFederation: {
    method: 'put', path: '/api/v1/settings/federation', access: 'control',
    summary: 'The index servers added in Settings to federate with, live (the whole list)', body: setFederationSchema, response: federationSettingsSchema,
  },
  getDhtSettings: {
    method: 'get', path: '/api/v1/settings/dht', access: 'control',
    summary: 'Whether this node finds and offers sources without an index server (the BitTorrent DHT), and how it is doing',
    response: dhtSettingsSchema,
  },
  setDhtSettings: {
    method: 'put', path: '/api/v1/settings/dht', access: 'control',
    summary: 'Turn the DHT on or off, live (on: this node\u2019s shared files are announced on it)', body: dhtSettingsUpdateSchema, response: dhtSettingsSchema,
  },
  getIndexConnection: {
    method: 'get', path: '/api/v1/index-servers', access: 'control',
    summary: 'The index servers this peer knows (configured, added by hand, its own, discovered on the LAN) and its registration',
    response: indexConnectionSchema,
  },
  addIndexServer: {
    method: 'post', path: '/api/v1/index-servers', access: 'control',
    summary: 'Add an index server by hand (kept across restarts); answers the updated list',
    body: newIndexServerSchema, response: indexConnectionSchema,
  },
  removeIndexServer: {
    method: 'delete', path: '/api/v1/index-servers/:address', access: 'control',
    summary: 'Remove an index server added by hand (host:port, URL-encoded); answers the updated list',
    params: indexServerAddressSchema, response: indexConnectionSchema,
  },
  forgetIndexServerPin: {
    method: 'delete', path: '/api/v1/index-servers/:address/pin', access: 'control',
    summary: 'Forget the node id pinned for an index server ("Trust the new identity"): whoever answers there next is trusted and pinned; answers the updated list',
    params: indexServerAddressSchema, response: indexConnectionSchema,
  },
  listDownloads: {
    method: 'get', path: '/api/v1/downloads', access: 'control',
    summary: 'Every download, newest first, with progress and sources', response: z.object({ items: z.array(downloadViewSchema) }),
  },
  startDownload: {
    method: 'post', path: '/api/v1/downloads', access: 'control',
    summary: 'Download a file by id, from every source the index servers (and the given peer) know',
    body: startDownloadSchema, response: downloadViewSchema,
  },
  getDownload: {
    method: 'get', path: '/api/v1/downloads/:downloadId', access: 'control',
    summary: 'One download', params: downloadParams, response: downloadViewSchema,
  },
  pauseDownload: {
    method: 'post', path: '/api/v1/downloads/:downloadId/pause', access: 'control',
    summary: 'Pause a download (verified pieces are kept)', params: downloadParams, response: downloadViewSchema,
  },
  resumeDownload: {
    method: 'post', path: '/api/v1/downloads/:downloadId/resume', access: 'control',
    summary: 'Resume a paused or failed download', params: downloadParams, response: downloadViewSchema,
  },
  pauseAllDownloads: {
    method: 'post', path: '/api/v1/downloads/pause-all', access: 'control',
    summary: 'Pause every download still going (verified pieces are kept); answers every download',
    response: z.object({ items: z.array(downloadViewSchema) }),
  },
  resumeAllDownloads: {
    method: 'post', path: '/api/v1/downloads/resume-all', access: 'control',
    summary: 'Resume every paused download; answers every download',
    response: z.object({ items: z.array(downloadViewSchema) }),
  },
  removeDownload: {
    method: 'delete', path: '/api/v1/downloads/:downloadId', access: 'control',
    summary: 'Cancel a download (its partial file is deleted); a finished one leaves the history (its file stays)',
    params: downloadParams, response: downloadViewSchema,
  },
  downloadedFile: {
    method: 'get', path: '/api/v1/downloads/:downloadId/file', access: 'control',
    summary: 'A finished download\u2019s bytes for the local user ("Save a copy"), shared or not (single HTTP ranges)',
    params: downloadParams, httpOnly: true,
  },
  listUploads: {
    method: 'get', path: '/api/v1/uploads', access: 'control',
    summary: 'Who is fetching what from this node, and how fast', response: z.object({ items: z.array(uploadViewSchema) }),
  },
  getTransferSettings: {
    method: 'get', path: '/api/v1/settings/transfers', access: 'control',
    summary: 'Rate limits, upload slots and quota, auto-share of downloads', response: transferSettingsSchema,
  },
  setTransferSettings: {
    method: 'put', path: '/api/v1/settings/transfers', access: 'control',
    summary: 'Change transfer settings, live', body: transferSettingsUpdateSchema, response: transferSettingsSchema,
  },
  getIdentity: {
    method: 'get', path: '/api/v1/settings/identity', access: 'control',
    summary: 'This device: its node id, short id and display name', response: identityViewSchema,
  },
  setIdentity: {
    method: 'put', path: '/api/v1/settings/identity', access: 'control',
    summary: 'Set the display name (null: back to the default); /api/v1/info and the index show it at once',
    body: identityUpdateSchema, response: identityViewSchema,
  },
  uploadFiles: {
    method: 'post', path: '/api/v1/files/upload', access: 'control',
    summary: 'Upload files into the shared folder (multipart/form-data, streamed; all or nothing)',
    response: uploadResponseSchema, httpOnly: true, multipart: true,
  },
  searchNetwork: {
    method: 'get', path: '/api/v1/network/search', access: 'control',
    summary: 'Search the network through the index servers this peer knows (the first that answers)',
    query: searchQuerySchema, response: searchResponseSchema,
  },
  getNetworkFile: {
    method: 'get', path: '/api/v1/network/files/:fileId', access: 'control',
    summary: 'One file by id as the index servers this peer knows see it (a pasted shoal:// link or id), or this node\u2019s own',
    params: fileIdParams, response: searchResultSchema,
  },
  getNetworkTopology: {
    method: 'get', path: '/api/v1/network/topology', access: 'control',
    summary: 'The network as the first answering index server sees it: index servers, peers, transfers',
    response: topologySchema,
  },
  health: {
    method: 'get', path: '/api/v1/health', access: 'public',
    summary: 'Liveness', response: okSchema,
  },
  ...accessRoutes,
  ...batchRoutes,
  ...unsharedRoutes,
} as const satisfies Record<string, RouteSpec>;

export type PeerRouteName = keyof typeof peerRoutes;
