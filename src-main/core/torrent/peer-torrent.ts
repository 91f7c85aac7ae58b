// The peer's `GET /api/v1/files/{fileId}/torrent`: one of its own files as a v2 torrent, with
// itself as the web seed and the piece layer from its library.
import type { Request, Response } from 'express';
import type { Viewer } from '../access/viewer.js';
import type { Library } from '../library/library.js';
import { ownDownloadUrl, sendTorrent } from './send-torrent.js';

export function sendPeerTorrent(library: Library, fileId: string, req: Request, res: Response, viewer: Viewer): void {
  const { name } = library.get(fileId, false, viewer); // FILE_NOT_FOUND for an id this peer does not share (with this viewer)
  const { size, pieceSize, pieces } = library.pieces(fileId, viewer);
  sendTorrent(res, { fileId, name, size, pieceSize, pieces, webSeeds: [ownDownloadUrl(req, fileId)] });
}
