// Answers a request with a file's .torrent (`<name>.torrent`, application/x-bittorrent), for the
// peer's and the index's `GET /files/{id}/torrent` alike. A layer that does not prove the id is
// a bad piece list, never a torrent.
import type { Request, Response } from 'express';
import { ShoalError } from '../../../src-shared/errors.js';
import { plainAddress } from '../net/remote-address.js';
import { hostForUrl } from '../net/host-for-url.js';
import { buildTorrent, PieceLayerMismatchError, TORRENT_CONTENT_TYPE, torrentFileName, type TorrentInput } from './torrent-file.js';

export function sendTorrent(res: Response, input: TorrentInput): void {
  let torrent: Uint8Array;
  try {
    torrent = buildTorrent(input);
  } catch (error) {
    if (error instanceof PieceLayerMismatchError) throw new ShoalError('NO_PIECE_LIST', `No torrent: ${error.message}.`);
    throw error;
  }
  res.attachment(torrentFileName(input.name, input.fileId)); // RFC 6266, with an ASCII fallback
  res.type(TORRENT_CONTENT_TYPE);
  res.setHeader('cache-control', 'no-store'); // the web seeds change as peers come and go
  res.send(Buffer.from(torrent.buffer, torrent.byteOffset, torrent.byteLength));
}

/**
 * This node's own download address of a file, as the asker reached it (the Host it sent), so the
 * web seed works from wherever the torrent was fetched: loopback, the LAN, a forwarded port.
 * A Host that is not a plain host[:port] falls back to the address the request arrived on.
 */
export function ownDownloadUrl(req: Request, fileId: string): string {
  const path = `/api/v1/download/${fileId}`;
  const host = req.get('host');
  const scheme = req.protocol === 'https' ? 'https' : 'http';
  if (host && /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return `${scheme}://${host}${path}`;
  const local = plainAddress(req.socket.localAddress ?? '127.0.0.1');
  return `${scheme}://${hostForUrl(local)}:${req.socket.localPort}${path}`;
}
