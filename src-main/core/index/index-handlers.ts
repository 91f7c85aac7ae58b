// The index API's handlers: validated input to the IndexService, and back.
import type { indexRoutes } from '../../../src-shared/api/index-routes.js';
import { plainAddress } from '../http/remote-address.js';
import { bearerToken } from './session-tokens.js';
import type { RouteHandlers } from '../http/route-registry.js';
import type { IndexService } from './index-service.js';
import { sendMetalink } from './metalink-route.js';
import { PieceLists } from './piece-lists.js';
import { sendIndexTorrent } from './torrent-route.js';

export function indexHandlers(service: IndexService, indexName: () => string, pieceLists = new PieceLists()): RouteHandlers<typeof indexRoutes> {
  return {
    challenge: () => service.challenge(),
    register: ({ body, req }) => service.register(body, observedAddress(req.socket.remoteAddress)),
    heartbeat: ({ body, req }) => service.heartbeat(bearerToken(req.get('authorization')), body),
    unregister: ({ body, req }) => service.unregister(bearerToken(req.get('authorization')), body.peerId),
    registerFiles: ({ body, req }) => service.updateFiles(bearerToken(req.get('authorization')), body),
    reportTransfer: ({ body, req }) => service.reportTransfer(bearerToken(req.get('authorization')), body),
    listPeers: ({ query }) => {
      const { items, total } = service.listPeers((query.page - 1) * query.pageSize, query.pageSize, query.status);
      return { items, total, page: query.page, pageSize: query.pageSize };
    },
    stats: () => service.stats(),
    search: ({ query }) => service.search(query),
    listFiles: ({ query }) => service.listFiles((query.page - 1) * query.pageSize, query.pageSize, query.idPrefix),
    getFile: ({ params }) => service.getFile(params.fileId),
    topology: () => service.topology(indexName()),
    metalink: ({ params, res }) => sendMetalink(res, service.getFile(params.fileId), pieceLists),
    torrent: ({ params, res }) => sendIndexTorrent(res, service.getFile(params.fileId), pieceLists),
    download: ({ params, res }) => {
      res.redirect(302, service.bestSource(params.fileId));
    },
  };
}

/** The address a peer's request came from, as other peers would dial it. */
function observedAddress(remote: string | undefined): string {
  return remote ? plainAddress(remote) : '127.0.0.1';
}
