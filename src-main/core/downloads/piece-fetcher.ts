// Fetches a run of consecutive pieces from one source as one HTTP range over a keep-alive
// connection (one request per piece would spend more time on round trips and TCP ramp-up than on
// bytes), hashing each piece as it arrives and handing it over the moment its last byte is in. It
// never holds more than the range's length (a peer cannot make us buffer more), gives up on a
// source that sends nothing for `stallMs`, and honours the node's download rate limit.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { RateLimiter } from '../transfers/rate-limiter.js';

export type FetchFailure =
  | 'unreachable' // refused, reset, a 5xx: may work later
  | 'stalled' // no bytes for a while
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
  url: string;
  /** The first piece of the run, and how many follow it. */
  first: number;
  count: number;
  pieceSize: number;
  /** The file's total size, to check Content-Range. */
  size: number;
  agent: http.Agent;
  limiter: RateLimiter;
  stallMs: number;
  signal: AbortSignal;
  onBytes(bytes: number): void;
  /** A whole piece arrived: its bytes as they came (never copied into one buffer) and their hash. */
  onPiece(piece: number, chunks: Buffer[], sha256: string): void;
}

const DEFAULT_RETRY_AFTER_MS = 5_000;
const MAX_RETRY_AFTER_MS = 120_000;

/** Resolves once every piece of the run was handed to `onPiece`. */
export function fetchPieces(r: PiecesRequest): Promise<void> {
  const start = r.first * r.pieceSize;
  const end = Math.min(r.size, (r.first + r.count) * r.pieceSize) - 1;
  const length = end - start + 1;
  return new Promise<void>((resolve, reject) => {
    if (r.signal.aborted) return reject(new FetchError('cancelled', 'cancelled'));
    let settled = false;
    let stallTimer: NodeJS.Timeout | undefined;
    let resumeTimer: NodeJS.Timeout | undefined;
    const fail = (err: FetchError) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      reject(err);
    };
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => fail(new FetchError('stalled', `no data for ${Math.round(r.stallMs / 1000)} s`)), r.stallMs);
    };
    const onAbort = () => fail(new FetchError('cancelled', 'cancelled'));
    const cleanup = () => {
      clearTimeout(stallTimer);
      clearTimeout(resumeTimer);
      r.signal.removeEventListener('abort', onAbort);
    };
    r.signal.addEventListener('abort', onAbort);

    const req = http.get(r.url, { agent: r.agent, headers: { range: `bytes=${start}-${end}`, 'accept-encoding': 'identity' } }, (res) => {
      const status = res.statusCode ?? 0;
      const problem = statusProblem(status, res.headers);
      if (problem) {
        res.resume();
        return fail(problem);
      }
      const whole = status === 200 && start === 0 && length === r.size;
      const expectedRange = `bytes ${start}-${end}/${r.size}`;
      if (!whole && !(status === 206 && res.headers['content-range'] === expectedRange)) {
        res.resume();
        return fail(new FetchError('protocol', `asked for ${expectedRange}, got ${status} ${res.headers['content-range'] ?? ''}`.trim()));
      }
      let piece = r.first;
      let chunks: Buffer[] = [];
      let hash = createHash('sha256');
      let pieceLeft = Math.min(r.pieceSize, r.size - piece * r.pieceSize);
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (received + chunk.length > length) return fail(new FetchError('protocol', 'the source sent more bytes than asked'));
        received += chunk.length;
        r.onBytes(chunk.length);
        // Split at piece boundaries without copying.
        let rest = chunk;
        while (rest.length > 0) {
          const part = rest.length <= pieceLeft ? rest : rest.subarray(0, pieceLeft);
          chunks.push(part);
          hash.update(part);
          pieceLeft -= part.length;
          rest = rest.subarray(part.length);
          if (pieceLeft === 0) {
            r.onPiece(piece, chunks, hash.digest('hex'));
            if (settled) return; // the handler cancelled the rest
            piece++;
            chunks = [];
            hash = createHash('sha256');
            pieceLeft = Math.min(r.pieceSize, r.size - piece * r.pieceSize);
          }
        }
        const wait = r.limiter.consume(chunk.length);
        if (wait > 0) {
          // Our own pause is not the source stalling.
          clearTimeout(stallTimer);
          res.pause();
          resumeTimer = setTimeout(() => {
            armStall();
            res.resume();
          }, wait);
        } else armStall();
      });
      res.on('end', () => {
        if (settled) return;
        if (received !== length) return fail(new FetchError('unreachable', `the connection ended after ${received} of ${length} bytes`));
        settled = true;
        cleanup();
        resolve();
      });
      res.on('error', (err) => fail(new FetchError('unreachable', err.message)));
      res.on('aborted', () => fail(new FetchError('unreachable', 'the source closed the connection')));
    });
    req.on('error', (err: NodeJS.ErrnoException) => fail(new FetchError('unreachable', err.code ?? err.message)));
    armStall();
  });
}

function statusProblem(status: number, headers: http.IncomingHttpHeaders): FetchError | undefined {
  if (status === 200 || status === 206) return undefined;
  if (status === 503 || status === 429) {
    const why = status === 429 ? 'the source says our quota is spent' : 'the source is full';
    return new FetchError('busy', why, retryAfter(headers['retry-after']));
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
