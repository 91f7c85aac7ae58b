// The index API with federation: the index's own handlers (index-handlers.ts), with search, the
// source lookups (GET /files/{id}, the Metalink, the torrent, the download redirect) and the
// topology answered for the whole federation, and GET /api/v1/federation added, with the feed of
// this index's own peers its members copy (GET /api/v1/federation/replica, members only).
import type { federationRoutes } from '../../../../src-shared/api/federation.js';
import type { replicaRoutes } from '../../../../src-shared/api/replica-routes.js';
import type { ReplicaStore } from '../replica-store.js';
import type { indexRoutes, SearchResponse, SearchResult, Topology } from '../../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../../src-shared/errors.js';
import type { RouteHandlers, RouteInput } from '../../http/route-registry.js';
import { sendMetalink } from '../metalink-route.js';
import type { PieceLists } from '../piece-lists.js';
import { sendIndexTorrent } from '../torrent-route.js';
import type { Federation } from './federation.js';

type IndexRoutes = typeof indexRoutes;
type FederatedRoutes = IndexRoutes & typeof federationRoutes & typeof replicaRoutes;

export function federatedHandlers(base: RouteHandlers<IndexRoutes>, federation: Federation, selfId: string, pieceLists: PieceLists, replicas: ReplicaStore): RouteHandlers<FederatedRoutes> {
  const localFile = (input: RouteInput<IndexRoutes['getFile']>): SearchResult | undefined => {
    try {
      return base.getFile(input) as SearchResult;
    } catch (err) {
      if (err instanceof ShoalError && err.code === 'FILE_NOT_FOUND') return undefined;
      throw err;
    }
  };
  const file = (input: RouteInput<IndexRoutes['getFile']>) => federation.getFile(input.params.fileId, input.query, () => localFile(input));
  /** The same input with the forwarding parameters of a first-hand query (the Metalink's, the torrent's). */
  const firstHand = (input: RouteInput<IndexRoutes['metalink']> | RouteInput<IndexRoutes['torrent']>): RouteInput<IndexRoutes['getFile']> => ({ ...input, query: {} });
  return {
    ...base,
    search: (input) => federation.search(input.query, (query) => base.search({ ...input, query }) as SearchResponse),
    getFile: (input) => file(input),
    metalink: async (input) => sendMetalink(input.res, await file(firstHand(input)), pieceLists),
    torrent: async (input) => sendIndexTorrent(input.res, await file(firstHand(input)), pieceLists),
    download: async (input) => {
      // Our own best source when we have one (no fan-out); the federation's otherwise.
      let ours: ShoalError;
      try {
        base.download(input);
        return;
      } catch (err) {
        if (!(err instanceof ShoalError) || (err.code !== 'FILE_NOT_FOUND' && err.code !== 'NO_SOURCE_ONLINE')) throw err;
        ours = err;
      }
      // The federation knows nothing more: our own answer stands (a file we know but nobody serves is 503, not 404).
      const url = await federation.bestSource(input.params.fileId).catch(() => undefined);
      if (!url) throw ours;
      input.res.redirect(302, url);
    },
    topology: async (input) => federation.topology(base.topology(input) as Topology, selfId, input.query.hops !== undefined),
    federationServers: ({ query, req }) => {
      if (query.port !== undefined && req.socket.remoteAddress) federation.members.learnCaller(req.socket.remoteAddress, query.port);
      const replicas = federation.replicaStats();
      return { indexId: selfId, servers: federation.members.list(), stats: { ...federation.stats, ...(replicas ? { replicas } : {}) } };
    },
    federationReplica: ({ query, viewer }) => {
      // A member's id, proved by its TLS key (the local user may look too): the feed lists every peer here with its files.
      if (viewer !== 'local' && !(viewer.device !== null && federation.members.isMember(viewer.device))) throw new ShoalError('NOT_A_FEDERATION_MEMBER');
      return replicas.page(query.since, query.epoch, query.copying === '1');
    },
  };
}
