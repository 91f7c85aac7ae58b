// Serves a shared file's bytes: single ranges, ETag = file id (the content never changes under
// an id, so the answer is immutable), the original name in Content-Disposition, streamed with
// backpressure (range-sender.ts) from a handle whose bytes were checked to be the hashed ones.
import { isEncrypted } from './plain-http.js';
import type { Request, Response } from 'express';
import { ShoalError } from '../../../src-shared/errors.js';
import type { Devices } from '../access/devices.js';
import type { Viewer } from '../access/viewer.js';
import type { Library } from '../library/library.js';
import { parseByteRange } from './byte-range.js';
import type { ChunkPool } from './chunk-pool.js';
import { sendRange } from './range-sender.js';
import type { RateLimiter } from '../transfers/rate-limiter.js';
import { plainAddress } from '../net/remote-address.js';
import type { UploadTracker } from '../transfers/upload-tracker.js';

export interface ServingDeps {
  library: Library;
  uploads: UploadTracker;
  uploadLimiter: RateLimiter;
  /** The buffers uploads are read into. */
  chunks: ChunkPool;
  /** An upload whose client takes no bytes for this long is cut and its slot freed. */
  uploadStallMs: number;
  /** The devices this node has seen: a download by a proven device is counted on its row. */
  devices?: Devices;
}

export async function sendSharedFile(
  { library, uploads, uploadLimiter, chunks, uploadStallMs, devices }: ServingDeps, fileId: string, req: Request, res: Response, isLocalUser: boolean, viewer: Viewer,
): Promise<void> {
  // A file shared only with some devices does not exist for anyone else (404, as for an id never shared).
  const { handle, release, file, name } = await library.openForServing(fileId, viewer);
  const device = viewer === 'local' ? null : viewer.device;
  try {
    const etag = `"${file.id}"`;
    const ifRange = req.get('if-range');
    const range = ifRange === undefined || ifRange === etag ? parseByteRange(req.get('range'), file.size) : ({ kind: 'full' } as const);
    if (range.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${file.size}`);
      throw new ShoalError('RANGE_NOT_SATISFIABLE');
    }
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.attachment(name); // Content-Disposition with an ASCII fallback and filename* for any name
    res.setHeader('Content-Type', file.mime);
    if (matchesIfNoneMatch(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : file.size - 1;
    const sendsBytes = req.method !== 'HEAD' && file.size > 0;
    // Admitted before the status and length are set: a full node answers a plain JSON error.
    // A proven device is counted (slots, quota) and shown as itself wherever it connects from;
    // others by address. A node id only claimed (X-Shoal-Peer, in plain HTTP) counts for nothing.
    const address = remoteAddress(req);
    const upload = sendsBytes
      ? uploads.begin({ fileId: file.id, name, size: file.size, start, peer: address, account: device ? `device:${device}` : address, peerId: device, local: isLocalUser, encrypted: isEncrypted(req) }, (seconds) => res.setHeader('Retry-After', String(seconds)))
      : undefined;
    if (device) devices?.seen(device, { address });
    if (range.kind === 'partial') {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
    }
    res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
    if (!upload) {
      res.end();
      return;
    }
    try {
      await sendRange(handle, start, end, res, uploadLimiter, chunks, (bytes) => {
        upload.sent(bytes);
        if (device) devices?.seen(device, { bytesSent: bytes });
      }, uploadStallMs);
      upload.end(true);
    } catch {
      upload.end(false); // the client went away or stopped reading (or the disk failed): nothing more to answer
      res.destroy();
    }
  } finally {
    await release(); // closed, or kept open a moment for the next range (library/kept-handles.ts)
  }
}

function remoteAddress(req: Request): string {
  return plainAddress(req.socket.remoteAddress ?? 'unknown');
}

/** The content under an id never changes, so a client holding this ETag has the bytes already. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
