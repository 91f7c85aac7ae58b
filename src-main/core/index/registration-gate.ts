// Registrations one address may make per minute (super_peer.max_registrations_per_address): a
// token bucket per address key (address-keys.ts) holding a minute's worth, refilled evenly. A
// registration is the index's dearest request (a signature check, a call-back to the peer, up to
// 5,000 files written), so it is counted when it arrives, before its body is read, and refused
// with 429 RATE_LIMITED and the seconds until the next token in Retry-After.
// The transfer reports of one peer are gated the same way (index-service.ts reportTransfer).
// Memory is bounded: at most MAX_ADDRESSES buckets; a full bucket is forgotten (it holds nothing
// a new one would not), and when every bucket is in use the oldest is.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { indexRoutes } from '../../../src-shared/api/index-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { plainAddress } from '../net/remote-address.js';

const MINUTE_MS = 60_000;
/** Buckets kept at most (about 100 bytes each). */
export const MAX_ADDRESSES = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RegistrationGate {
  private readonly buckets = new Map<string, Bucket>();

  private readonly capacity: number;

  /** `perMinute` 0: no limit; a bucket holds `capacity` tokens (default: a minute's worth). */
  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now, capacity?: number) {
    this.capacity = capacity ?? perMinute;
  }

  /** Takes a token for `key`: 0 when admitted, else the seconds until one is free. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const bucket = this.refill(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * MINUTE_MS) / this.perMinute / 1000));
  }

  private refill(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) * this.perMinute) / MINUTE_MS);
      bucket.at = now;
      this.buckets.delete(key); // re-inserted last: the map's order is least recently used first
    } else {
      bucket = { tokens: this.capacity, at: now };
    }
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_ADDRESSES) this.forgetSome(now);
    return bucket;
  }

  /** Forgets full buckets (nothing lost), or the least recently used one. */
  private forgetSome(now: number): void {
    for (const [key, b] of this.buckets) {
      if (this.buckets.size <= MAX_ADDRESSES) return;
      if (b.tokens + ((now - b.at) * this.perMinute) / MINUTE_MS >= this.capacity) this.buckets.delete(key);
      else break;
    }
    const oldest = this.buckets.keys().next();
    if (this.buckets.size > MAX_ADDRESSES && !oldest.done) this.buckets.delete(oldest.value);
  }
}

/**
 * For the index server's listener: a registration beyond its address's rate is answered
 * 429 RATE_LIMITED here, before express reads its body (up to super_peer.max_request_body), and
 * its connection closed. True when it was answered.
 */
export function refuseRegistrationFlood(
  admit: (observedAddress: string) => number,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (req.method !== 'POST' || !req.url || !(req.url === REGISTER_PATH || req.url.startsWith(`${REGISTER_PATH}?`))) return false;
  const wait = admit(plainAddress(req.socket.remoteAddress ?? '127.0.0.1'));
  if (wait === 0) return false;
  const error = new ShoalError('RATE_LIMITED', `This index server takes a limited number of registrations a minute from one address (super_peer.max_registrations_per_address); try again in ${wait} s.`);
  res.writeHead(error.status, { 'content-type': 'application/json', 'retry-after': String(wait), connection: 'close' });
  res.end(JSON.stringify(error.toBody()));
  return true;
}

const REGISTER_PATH = indexRoutes.register.path;
