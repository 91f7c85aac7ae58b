// GET /api/v1/files/{fileId}/metalink: the indexed file and its online sources, plus the SHA-256
// one of them gives, as a Metalink 4 download (`<name>.meta4`). Until a source has computed the
// SHA-256 (in the background, while idle) there is no Metalink: never one a client cannot verify. The XML builder
// (fast-xml-parser, ~1.5 MB of heap) is loaded on the first request, not with the index role.
import type { Response } from 'express';
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { PieceLists } from './piece-lists.js';

export async function sendMetalink(res: Response, file: SearchResult, pieceLists: PieceLists): Promise<void> {
  const urls = file.sources.map((s) => s.url);
  if (urls.length === 0) throw new ShoalError('NO_SOURCE_ONLINE');
  const list = await pieceLists.get(file.id, file.size, urls, { needSha256: true });
  if (!list) throw new ShoalError('NO_PIECE_LIST');
  if (!list.sha256) throw new ShoalError('CHECKSUM_NOT_READY');
  const { buildMetalink, METALINK_CONTENT_TYPE, metalinkFileName } = await import('./metalink.js');
  const xml = buildMetalink({ fileId: file.id, name: file.name, size: file.size, sha256: list.sha256, urls });
  res.attachment(`${metalinkFileName(file.name, file.id)}.meta4`); // RFC 6266, with an ASCII fallback
  res.type(METALINK_CONTENT_TYPE);
  res.setHeader('cache-control', 'no-store'); // the sources change as peers come and go
  res.send(xml);
}
