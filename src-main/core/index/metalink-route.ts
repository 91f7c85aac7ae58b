// GET /api/v1/files/{fileId}/metalink: the indexed file and its online sources, plus the piece
// hashes one of them gives, as a Metalink 4 download (`<name>.meta4`). The XML builder
// (fast-xml-parser, ~1.5 MB of heap) is loaded on the first request, not with the index role.
import type { Response } from 'express';
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { PieceLists } from './piece-lists.js';

export async function sendMetalink(res: Response, file: SearchResult, pieceLists: PieceLists): Promise<void> {
  const urls = file.sources.map((s) => s.url);
  if (urls.length === 0) throw new ShoalError('NO_SOURCE_ONLINE');
  const list = await pieceLists.get(file.id, file.size, urls);
  if (!list) throw new ShoalError('NO_PIECE_LIST');
  const { buildMetalink, METALINK_CONTENT_TYPE, metalinkFileName } = await import('./metalink.js');
  const xml = buildMetalink({ fileId: file.id, name: file.name, size: file.size, pieceSize: list.pieceSize, pieces: list.pieces, urls });
  res.attachment(`${metalinkFileName(file.name, file.id)}.meta4`); // RFC 6266, with an ASCII fallback
  res.type(METALINK_CONTENT_TYPE);
  res.setHeader('cache-control', 'no-store'); // the sources change as peers come and go
  res.send(xml);
}
