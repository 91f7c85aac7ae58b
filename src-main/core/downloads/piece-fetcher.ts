// Fetches one byte range of a file from one source over HTTP/1.1 keep-alive, hashing it as it
// arrives. It never holds more than the range's length (a peer cannot make us buffer more), gives
// up on a source that sends nothing for `stallMs`, and honours the node's download rate limit.
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

export interface RangeRequest {
  url: string;
  start: number;
  /** Inclusive, as in HTTP. */
  end: number;
  /** The file's total size, to check Content-Range. */
  size: number;
  agent: http.Agent;
  limiter: RateLimiter;
  stallMs: number;
  signal: AbortSignal;
  onBytes(bytes: number): void;
}

export interface FetchedRange {
  /** The bytes as they arrived: written with one writev, never copied into one buffer. */
  chunks: Buffer[];
  sha256: string;
}

const DEFAULT_RETRY_AFTER_MS = 5_000;
const MAX_RETRY_AFTER_MS = 120_000;

export function fetchRange(r: RangeRequest): Promise<FetchedRange> {
  const length = r.end - r.start + 1;
  return new Promise<FetchedRange>((resolve, reject) => {
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

    const req = http.get(r.url, { agent: r.agent, headers: { range: `bytes=${r.start}-${r.end}`, 'accept-encoding': 'identity' } }, (res) => {
      const status = res.statusCode ?? 0;
      const problem = statusProblem(status, res.headers);
      if (problem) {
        res.resume();
        return fail(problem);
      }
      const whole = status === 200 && r.start === 0 && length === r.size;
      const expectedRange = `bytes ${r.start}-${r.end}/${r.size}`;
      if (!whole && !(status === 206 && res.headers['content-range'] === expectedRange)) {
        res.resume();
        return fail(new FetchError('protocol', `asked for ${expectedRange}, got ${status} ${res.headers['content-range'] ?? ''}`.trim()));
      }
      const chunks: Buffer[] = [];
      const hash = createHash('sha256');
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (received + chunk.length > length) return fail(new FetchError('protocol', 'the source sent more bytes than asked'));
        chunks.push(chunk);
        hash.update(chunk);
        received += chunk.length;
        r.onBytes(chunk.length);
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
        resolve({ chunks, sha256: hash.digest('hex') });
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
