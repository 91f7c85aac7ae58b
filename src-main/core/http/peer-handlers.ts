// The peer API over HTTP: the node API's handlers (api/node-api-handlers.ts), both transports'
// own, plus the routes only HTTP carries: byte streams, which need its request and response.
import type { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { nodeApiHandlers, type NodeApiDeps } from '../api/node-api-handlers.js';
import { sendPeerTorrent } from '../torrent/peer-torrent.js';
import { sendDownloadedFile } from './downloaded-file.js';
import { sendSharedFile, type ServingDeps } from './file-download.js';
import type { RouteHandlers } from './route-registry.js';

export interface PeerHandlerDeps extends NodeApiDeps, ServingDeps {
  /** Where uploads from the web UI land, and how large one file may be (0 = no limit). */
  uploadTarget?: { sharedDirectory: string; maxFileSize: number };
}

export function peerHandlers(deps: PeerHandlerDeps): RouteHandlers<typeof peerRoutes> {
  return {
    ...nodeApiHandlers(deps),
    download: async ({ params, req, res, isLocalUser, viewer }) => {
      await sendSharedFile(deps, params.fileId, req, res, isLocalUser, viewer);
    },
    // The name is the torrent's, for the web seed's sake; the id alone says which bytes.
    downloadAs: async ({ params, req, res, isLocalUser, viewer }) => {
      await sendSharedFile(deps, params.fileId, req, res, isLocalUser, viewer);
    },
    getTorrent: ({ params, req, res, viewer }) => {
      sendPeerTorrent(deps.library, params.fileId, req, res, viewer);
    },
    downloadedFile: async ({ params, res }) => {
      await sendDownloadedFile(deps.downloads, params.downloadId, res);
    },
    uploadFiles: async ({ req }) => {
      if (!deps.uploadTarget) throw new ShoalError('SERVICE_UNAVAILABLE', 'This node shares no folder to upload into.');
      // busboy is loaded with the first upload: most nodes never receive one.
      const { receiveUpload } = await import('./file-upload.js');
      return receiveUpload(req, deps.uploadTarget, deps.library);
    },
  };
}
