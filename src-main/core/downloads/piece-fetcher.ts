// Fetches a run of consecutive pieces from one source as one HTTP range over a keep-alive
// connection (one request per piece would spend more time on round trips and TCP ramp-up than on
// bytes), reading each piece straight into its buffer and handing it over the moment its last byte
// is in. It never holds more than a piece per request (a peer cannot make us buffer more), gives
// up on a source that sends less than a minimum rate over `stallMs` (rate-watchdog.ts), and
// honours the node's download rate limit.
import { PEER_ID_HEADER } from '../../../src-shared/api/transfers.js';
import type { RateLimiter } from '../transfers/rate-limiter.js';
import type { PieceBuffers } from './piece-buffers.js';
import { RateWatchdog } from './rate-watchdog.js';
import { ConnectionError, type SourceConnection } from './source-connection.js';
import type { SourceConnectionPool } from './source-connection-pool.js';

export type FetchFailure =
  | 'unreachable' // refused, reset, a 5xx: may work later
  | 'stalled' // fewer bytes than the minimum rate over a stall window (maybe none)
  | 'busy' // 503/429: the peer is full or our quota is spent; come back after retryAfterMs
  | 'gone' // 404: the peer no longer shares it
  | 'changed' // 409: the file changed on the peer since it was hashed
  | 'protocol' // an answer that is not what was asked
  | 'cancelled';

export class FetchError extends Error {
  constructor(readonly kind: FetchFailure, message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface PiecesRequest {
  /** The first piece of the run, and how many follow it. */
  first: number;
  count: number;
  pieceSize: number;
  /** The file's total size, to check Content-Range. */
  size: number;
  /** The source's connections, and the address they ask for. */
  connections: SourceConnectionPool;
  limiter: RateLimiter;
  /** The window over which a source must keep the minimum rate. */
  stallMs: number;
  signal: AbortSignal;
  /** This node's id, sent so the source can show one upload row per downloader (X-Shoal-Peer). */
  selfId?: string | undefined;
  /** Where pieces are gathered. */
  buffers: PieceBuffers;
  /** How long the answer's head took, from the request's sending (a round trip, plus the source's time to start). */
  onRoundTrip?(ms: number): void;
  onBytes(bytes: number): void;
  /** A whole piece arrived, not yet verified; `data` is the receiver's, to give back to `buffers`. */
  onPiece(piece: number, data: Buffer): void;
}

const DEFAULT_RETRY_AFTER_MS = 5_000;
const MAX_RETRY_AFTER_MS = 120_000;

/** Resolves once every piece of the run was handed to `onPiece`. */
export async function fetchPieces(r: PiecesRequest): Promise<void> {
  if (r.signal.aborted) throw new FetchError('cancelled', 'cancelled');
  for (let attempt = 1; ; attempt++) {
    const connection = r.connections.take();
    try {
      await fetchOver(connection, r);
      r.connections.give(connection);
      return;
    } catch (err) {
      connection.destroy();
      // A kept-alive connection the source had closed meanwhile: once more on a new one.
      if (err instanceof ConnectionError && err.beforeResponse && connection.reused && attempt === 1) continue;
      if (err instanceof ConnectionError) throw new FetchError(err.code === 'PROTOCOL' || err.code === 'PEER_IDENTITY_MISMATCH' ? 'protocol' : 'unreachable', err.message);
      throw err;
    }
  }
}

async function fetchOver(connection: SourceConnection, r: PiecesRequest): Promise<void> {
  const start = r.first * r.pieceSize;
  const end = Math.min(r.size, (r.first + r.count) * r.pieceSize) - 1;
  const length = end - start + 1;
  let resumeTimer: NodeJS.Timeout | undefined;
  let filling: Buffer | null = null;
  const watchdog = new RateWatchdog(r.stallMs, (reason) => connection.destroy(new FetchError('stalled', reason)));
  const onAbort = () => connection.destroy(new FetchError('cancelled', 'cancelled'));
  r.signal.addEventListener('abort', onAbort);
  watchdog.watch();
  try {
    const { pathname, search } = r.connections.url;
    const head = await connection.request(pathname + search, {
      Range: `bytes=${start}-${end}`, 'Accept-Encoding': 'identity', ...(r.selfId ? { [PEER_ID_HEADER]: r.selfId } : {}),
    });
    if (head.waitedMs !== null) r.onRoundTrip?.(head.waitedMs);
    const problem = statusProblem(head.status, head.headers);
    if (problem) throw problem;
    const whole = head.status === 200 && start === 0 && length === r.size;
    const expectedRange = `bytes ${start}-${end}/${r.size}`;
    const range = head.headers.get('content-range');
    if (!whole && !(head.status === 206 && range === expectedRange)) {
      throw new FetchError('protocol', `asked for ${expectedRange}, got ${head.status} ${range ?? ''}`.trim());
    }
    if (head.length !== length) throw new FetchError('protocol', `asked for ${length} bytes, the answer holds ${head.length}`);

    let piece = r.first;
    let filled = 0;
    await connection.readBody({
      space: () => {
        filling ??= r.buffers.take(Math.min(r.pieceSize, r.size - piece * r.pieceSize));
        return filled === 0 ? filling : filling.subarray(filled);
      },
      received: (bytes) => {
        watchdog.received(bytes);
        r.onBytes(bytes);
        filled += bytes;
        if (filling && filled === filling.length) {
          const data = filling;
          filling = null;
          filled = 0;
          r.onPiece(piece, data);
          piece++;
        }
        const wait = r.limiter.consume(bytes);
        if (wait > 0) {
          // Our own pause is not the source being slow.
          watchdog.pause();
          connection.pause();
          // Bytes can still come while paused (over TLS, every record already decrypted is handed
          // out): the wait grows with them, so the earlier, shorter timer must not resume early.
          clearTimeout(resumeTimer);
          resumeTimer = setTimeout(() => {
            watchdog.watch();
            connection.resume();
          }, wait);
        }
      },
    });
  } finally {
    watchdog.stop();
    clearTimeout(resumeTimer);
    r.signal.removeEventListener('abort', onAbort);
    if (filling) r.buffers.give(filling);
  }
}

function statusProblem(status: number, headers: ReadonlyMap<string, string>): FetchError | undefined {
  if (status === 200 || status === 206) return undefined;
  if (status === 503 || status === 429) {
    const why = status === 429 ? 'the source says our quota is spent' : 'the source is full';
    return new FetchError('busy', why, retryAfter(headers.get('retry-after')));
  }
  if (status === 404 || status === 410) return new FetchError('gone', 'the source no longer shares this file');
  if (status === 409) return new FetchError('changed', 'the file changed on the source');
  if (status >= 500) return new FetchError('unreachable', `the source answered ${status}`);
  return new FetchError('protocol', `the source answered ${status}`);
}

function retryAfter(header: string | undefined): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(500, ms)) : DEFAULT_RETRY_AFTER_MS;
}
