// The index's `GET /api/v1/files/{fileId}/torrent`: the indexed file as a v2 torrent whose web
// seeds are every online source, best first. The piece layer comes from a source through the
// same checked cache as the Metalink's; a file of one piece needs none (its id is its own proof).
import type { Response } from 'express';
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { pieceCountFor, pieceSizeFor } from '../../../src-shared/piece-size.js';
import { sendTorrent } from '../torrent/send-torrent.js';
import type { PieceList, PieceLists } from './piece-lists.js';

export async function sendIndexTorrent(res: Response, file: SearchResult, pieceLists: PieceLists): Promise<void> {
  const urls = file.sources.map((s) => s.url);
  if (urls.length === 0) throw new ShoalError('NO_SOURCE_ONLINE');
  const list = await pieceLayer(file, urls, pieceLists);
  if (!list) throw new ShoalError('NO_PIECE_LIST');
  sendTorrent(res, { fileId: file.id, name: file.name, size: file.size, pieceSize: list.pieceSize, pieces: list.pieces, webSeeds: urls });
}

function pieceLayer(file: SearchResult, urls: string[], pieceLists: PieceLists): Promise<PieceList | undefined> | PieceList {
  const pieceSize = pieceSizeFor(file.size);
  const count = pieceCountFor(file.size, pieceSize);
  if (count <= 1) return { pieceSize, pieces: count === 1 ? [file.id] : [] };
  return pieceLists.get(file.id, file.size, urls);
}
