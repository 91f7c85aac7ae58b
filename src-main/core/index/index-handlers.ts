// The index API's handlers: validated input to the IndexService, and back.
import type { indexRoutes } from '../../../src-shared/api/index-routes.js';
import { plainAddress } from '../net/remote-address.js';
import { bearerToken } from './session-tokens.js';
import type { RouteHandlers } from '../http/route-registry.js';
import type { IndexService } from './index-service.js';
import type { DisplayNames } from './display-names.js';
import { sendMetalink } from './metalink-route.js';
import { PieceLists } from './piece-lists.js';
import { sendIndexTorrent } from './torrent-route.js';

/**
 * `mergedNamedOutside`: an index that federates names the answers it merges (search, one file,
 * the topology) once, after merging (display-names.ts, namedAcrossFederation); here they stay as
 * the store has them.
 */
export function indexHandlers(service: IndexService, indexName: () => string, names?: DisplayNames, pieceLists = new PieceLists(), mergedNamedOutside = false): RouteHandlers<typeof indexRoutes> {
  // Two peers of one name are told apart in answers ("vm", "vm (ABCDEFG)"; display-names.ts).
  const merged = mergedNamedOutside ? undefined : names;
  const shown = {
    search: (a: ReturnType<IndexService['search']>) => names?.search(a) ?? a,
    mergedSearch: (a: ReturnType<IndexService['search']>) => merged?.search(a) ?? a,
    result: (r: ReturnType<IndexService['getFile']>) => merged?.result(r) ?? r,
  };
  return {
    challenge: () => service.challenge(),
    register: ({ body, req }) => service.register(body, observedAddress(req.socket.remoteAddress)),
    heartbeat: ({ body, req }) => service.heartbeat(bearerToken(req.get('authorization')), body),
    unregister: ({ body, req }) => service.unregister(bearerToken(req.get('authorization')), body.peerId),
    registerFiles: ({ body, req }) => service.updateFiles(bearerToken(req.get('authorization')), body),
    reportTransfer: ({ body, req, res }) => service.reportTransfer(bearerToken(req.get('authorization')), body, (s) => res.setHeader('Retry-After', String(s))),
    listPeers: ({ query }) => {
      const { items, total } = service.listPeers((query.page - 1) * query.pageSize, query.pageSize, query.status);
      const answer = { items, total, page: query.page, pageSize: query.pageSize };
      return names?.peers(answer) ?? answer;
    },
    stats: () => service.stats(),
    search: ({ query }) => shown.mergedSearch(service.search(query)),
    listFiles: ({ query }) => shown.search(service.listFiles((query.page - 1) * query.pageSize, query.pageSize, query.idPrefix)),
    // A downloader's lookup: the index notes which sources it handed to that address (referrals.ts).
    getFile: ({ params, req }) => shown.result(service.lookupFile(params.fileId, observedAddress(req.socket.remoteAddress))),
    topology: () => {
      const topology = service.topology(indexName());
      return merged?.topology(topology) ?? topology;
    },
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
