// The node API's handlers: thin glue from validated input to the library, downloads and settings,
// shared by both transports (HTTP, where http/peer-handlers.ts adds the byte streams; Electron's IPC).
import type { Logger } from 'pino';
import type { NodeInfo, NodeStats } from '../../../src-shared/api/node.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { IndexConnectionView, IndexRoleView, peerRoutes } from '../../../src-shared/api/peer-routes.js';
import type { DhtSettingsView } from '../../../src-shared/api/dht.js';
import type { FederationSettingsView } from '../../../src-shared/api/federation.js';
import type { SearchQuery, SearchResponse, SearchResult, Topology } from '../../../src-shared/api/index-routes.js';
import type { DownloadManager } from '../downloads/download-manager.js';
import type { Library } from '../library/library.js';
import type { TransferSettingsService } from '../transfers/transfer-settings.js';
import type { DisplayName } from '../identity/display-name.js';
import { markOwn, markOwnResults, ownFileResult, type OwnLibrary } from './own-files.js';
import { publicStats } from './public-view.js';
import type { NodeMethodName } from '../../../src-shared/api/ipc-contract.js';
import type { CallHandlers } from './call-input.js';
import type { UploadTracker } from '../transfers/upload-tracker.js';
import { accessHandlers, type AccessDeps } from '../access/access-handlers.js';
import { batchHandlers } from './batch-handlers.js';
import { unsharedHandlers } from './unshared-handlers.js';
import { filterWords } from '../../../src-shared/api/library-query.js';

export interface NodeApiDeps {
  library: Library;
  uploads: UploadTracker;
  downloads: DownloadManager;
  transferSettings: TransferSettingsService;
  /** This device's id and display name (Settings → "This device"). */
  identity: Pick<DisplayName, 'view' | 'set'>;
  info(): NodeInfo;
  /** The node key's signature over an address challenge (an index server checking this node's address). */
  proveAddress(challenge: string): string;
  stats(): NodeStats;
  indexRole: { status(): IndexRoleView; set(enabled: boolean, port?: number): Promise<IndexRoleView> };
  /** The index servers this node's index federates with; the user adds their own (index/federation/added-federation.ts). */
  federation?: { view(): FederationSettingsView; set(added: string[]): FederationSettingsView };
  indexConnection(): IndexConnectionView;
  /** Index servers added by hand (kept in the database), and the ids pinned for them; each throws catalogue errors. */
  indexServers: { add(address: string): void; remove(address: string): void; forgetPin(address: string): void };
  /**
   * The network, asked through the index servers this node knows (the first that answers; the
   * composition root gives index-client/index-proxy.ts's calls, over TLS when encryption is on).
   */
  network: NetworkLookups;
  /** Sources without an index server: the DHT switch, and a file found through the DHT. */
  dht?: { view(): DhtSettingsView; set(enabled: boolean): Promise<DhtSettingsView>; networkFile(fileId: string): Promise<SearchResult | undefined> };
  /** Network filter, devices, sharing permissions (issue 14). */
  accessControl: Omit<AccessDeps, 'library'>;
  /** Where a batch item's unexpected failure is logged (answered INTERNAL, as a whole call's would be). */
  logger: Pick<Logger, 'error'>;
}

export interface NetworkLookups {
  search(query: SearchQuery): Promise<SearchResponse>;
  /** undefined: no index server knows it. */
  file(fileId: string): Promise<SearchResult | undefined>;
  /** The index servers' topology, with this node's own index at once while its role is on. */
  topology(): Promise<Topology>;
}

/** The node API: every method either transport (HTTP, Electron's IPC) can call. */
export type NodeApiHandlers = CallHandlers<Pick<typeof peerRoutes, NodeMethodName>>;

export function nodeApiHandlers(deps: NodeApiDeps): NodeApiHandlers {
  const { library, uploads, downloads, transferSettings, info, stats, indexRole, indexConnection, indexServers } = deps;
  const own: OwnLibrary = { selfId: info().id, has: (fileId) => library.has(fileId) };
  const dhtSwitch = () => {
    if (!deps.dht) throw new ShoalError('SERVICE_UNAVAILABLE', 'This node runs no DHT.');
    return deps.dht;
  };
  return {
    ...accessHandlers({ ...deps.accessControl, library }),
    ...batchHandlers({ library, downloads, logger: deps.logger }),
    ...unsharedHandlers(library, deps.logger),
    getInfo: ({ query }) => (query.challenge ? { ...info(), proof: deps.proveAddress(query.challenge) } : info()),
    getStats: ({ isLocalUser }) => (isLocalUser ? stats() : publicStats(stats(), library)),
    health: () => ({ ok: true }),
    getIndexRole: () => indexRole.status(),
    setIndexRole: ({ body }) => indexRole.set(body.enabled, body.port),
    getFederation: () => federationView(deps).view(),
    setFederation: ({ body }) => federationView(deps).set(body.added),
    getDhtSettings: () => dhtSwitch().view(),
    setDhtSettings: ({ body }) => dhtSwitch().set(body.enabled),
    getIndexConnection: () => indexConnection(),
    addIndexServer: ({ body }) => {
      indexServers.add(body.address);
      return indexConnection();
    },
    removeIndexServer: ({ params }) => {
      indexServers.remove(params.address);
      return indexConnection();
    },
    forgetIndexServerPin: ({ params }) => {
      indexServers.forgetPin(params.address);
      return indexConnection();
    },
    listFiles: ({ query, isLocalUser, viewer }) => {
      const { page, pageSize, sort, order, category, ext, tag, q } = query;
      const { items, total } = library.query({ offset: (page - 1) * pageSize, limit: pageSize, sort, order, category, ext, tag, words: filterWords(q) }, isLocalUser, viewer);
      return { items, total, page, pageSize };
    },
    searchLocal: ({ query, isLocalUser, viewer }) => {
      const { q, page, pageSize, category } = query;
      const words = q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 16);
      const { items, total } = library.query({ offset: (page - 1) * pageSize, limit: pageSize, sort: 'name', order: 'asc', category, words }, isLocalUser, viewer);
      return { items, total, page, pageSize };
    },
    getFile: ({ params, isLocalUser, viewer }) => library.get(params.fileId, isLocalUser, viewer),
    getPieces: ({ params, viewer }) => library.pieces(params.fileId, viewer),
    shareFiles: async ({ body }) => ({ ...(await library.share(body.path)), status: 'queued' as const }),
    unshareFile: ({ params }) => library.unshare(params.fileId),
    setFileTags: ({ params, body }) => library.setUserTags(params.fileId, body.tags),
    listDownloads: () => ({ items: downloads.list() }),
    startDownload: ({ body }) => downloads.start(body),
    getDownload: ({ params }) => downloads.get(params.downloadId),
    pauseDownload: ({ params }) => downloads.pause(params.downloadId),
    resumeDownload: ({ params }) => downloads.resume(params.downloadId),
    pauseAllDownloads: async () => ({ items: await downloads.pauseAll() }),
    resumeAllDownloads: () => ({ items: downloads.resumeAll() }),
    removeDownload: ({ params }) => downloads.remove(params.downloadId),
    listUploads: () => ({ items: uploads.list() }),
    getTransferSettings: () => transferSettings.get(),
    setTransferSettings: ({ body }) => transferSettings.set(body),
    getIdentity: () => deps.identity.view(),
    setIdentity: ({ body }) => deps.identity.set(body.name),
    searchNetwork: async ({ query }) => markOwnResults(await deps.network.search(query), own),
    getNetworkFile: async ({ params }) => {
      // A file of this library opens even when no index server answers.
      const mine = () => (library.has(params.fileId) ? ownFileResult(library.get(params.fileId, false, 'local')) : undefined);
      let unanswered: unknown;
      const found = await deps.network.file(params.fileId).catch((err: unknown) => {
        if (mine()) return undefined;
        unanswered = err; // the DHT may still know it
        return undefined;
      });
      if (found) return markOwn(found, own);
      const local = mine();
      if (local) return local;
      // No index server knows it: the DHT's sources, when it is on (a shoal:// link with no index).
      const viaDht = await deps.dht?.networkFile(params.fileId);
      if (viaDht) return markOwn(viaDht, own);
      if (unanswered) throw unanswered;
      throw new ShoalError('FILE_NOT_FOUND', deps.dht?.view().enabled
        ? 'Neither the index servers nor the DHT know a source of this file.'
        : 'No index server knows a file with this id (Settings \u2192 "Find and offer sources without an index server" asks the DHT too).');
    },
    getNetworkTopology: () => deps.network.topology(),
  };
}

/** Federation settings, or an empty view for a node built without (tests, the CLI). */
function federationView(deps: NodeApiDeps): NonNullable<NodeApiDeps['federation']> {
  const empty: FederationSettingsView = { configured: [], added: [], servers: [] };
  return deps.federation ?? { view: () => empty, set: () => empty };
}
