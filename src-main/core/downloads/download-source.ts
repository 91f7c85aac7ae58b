// One source of one download: its connection pool, its free slots, and how it behaved
// (errors back it off, bad data twice drops it, a 503 makes it busy until Retry-After).
// How it behaved counts for one run of the download only: a pause, a resume or a restart starts
// every source afresh (a source dropped by mistake, or fixed since, is asked again). What lasts
// for the whole download is whether it was reported to the index: once, never twice.
import type { DownloadSource } from '../../../src-shared/api/transfers.js';
import type { NodeTls } from '../net/node-tls.js';
import { SpeedMeter } from '../transfers/speed-meter.js';
import type { StoredSource } from './download-store.js';
import { SourceConnectionPool } from './source-connection-pool.js';
import type { FetchFailure } from './piece-fetcher.js';

const MAX_BACKOFF_MS = 60_000;
export const CORRUPT_STRIKES = 2;

export class DownloadSourceState {
  readonly connections: SourceConnectionPool;
  readonly meter = new SpeedMeter();
  inFlight = 0;
  bytes: number;
  dropped: string | null = null;
  private reported: boolean;
  private corrupt = 0;
  private errors = 0;
  private notBefore = 0;
  /** Why it waits; `cause` says whether seeing it online again ends the wait. */
  private waitReason: { kind: 'busy' | 'backoff'; cause: FetchFailure; text: string } | null = null;

  /** Requests this source may have in flight: the download's share for it, capped by what it accepted. */
  private share: number;
  private accepts = Infinity;

  /** `tls`: this node encrypts, so the source is reached over TLS, pinned to its node id. */
  constructor(readonly url: string, readonly peerId: string | null, readonly name: string | null, maxSlots: number, stored?: StoredSource, tls?: NodeTls | null) {
    this.connections = new SourceConnectionPool(new URL(url), maxSlots, tls ? { tls, expect: peerId } : undefined);
    this.share = maxSlots;
    this.bytes = stored?.bytes ?? 0;
    this.reported = stored?.reported ?? false;
  }

  /** A new run of the download: nothing from the last one counts against this source. */
  newRun(): void {
    this.dropped = null;
    this.corrupt = 0;
    this.errors = 0;
    this.notBefore = 0;
    this.waitReason = null;
    this.accepts = Infinity;
  }

  /** True the first time only: a source is reported to the index once per download. */
  claimReport(): boolean {
    if (this.reported) return false;
    this.reported = true;
    return true;
  }

  /** Whether this source may be given a piece now. */
  usable(now: number): boolean {
    return this.dropped === null && now >= this.notBefore && this.inFlight < this.slots;
  }

  get slots(): number {
    return Math.min(this.share, this.accepts);
  }

  /** How many requests the download wants this source to carry now. */
  setShare(requests: number): void {
    this.share = requests;
  }

  /** Not dropped; maybe only waiting for its backoff to end. */
  get alive(): boolean {
    return this.dropped === null;
  }

  /** When a backing-off or busy source may be asked again (0 = now). */
  get retryAt(): number {
    return this.notBefore;
  }

  verified(bytes: number): void {
    this.bytes += bytes;
    this.errors = 0;
    this.waitReason = null;
  }

  /** A piece failed its hash; true when this one dropped the source (pieces still arriving do not). */
  sentBadData(): boolean {
    this.corrupt++;
    if (this.corrupt !== CORRUPT_STRIKES || this.dropped !== null) return false;
    this.drop(`sent data that failed verification ${this.corrupt} times`);
    return true;
  }

  failed(kind: FetchFailure, message: string, now: number, retryAfterMs?: number): void {
    if (kind === 'cancelled') return;
    if (kind === 'gone' || kind === 'changed' || kind === 'protocol') return this.drop(message);
    if (kind === 'busy') {
      // A peer that is full took the requests still running: ask no more of it than that.
      // Only when it took none does it wait for Retry-After.
      const accepted = this.inFlight - 1;
      if (accepted > 0) {
        this.accepts = accepted;
        return;
      }
      this.notBefore = now + (retryAfterMs ?? 5_000);
      this.waitReason = { kind: 'busy', cause: kind, text: message };
      return;
    }
    this.errors++;
    this.notBefore = now + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.errors - 1));
    this.waitReason = { kind: 'backoff', cause: kind, text: message };
  }

  /**
   * The index lists it as online again: if it was unreachable, try it now rather than at the end
   * of its backoff. A source that was too slow is online too: it waits its backoff out.
   */
  seenOnline(): void {
    if (this.waitReason?.cause === 'unreachable') this.notBefore = 0;
  }

  drop(reason: string): void {
    this.dropped ??= reason;
  }

  close(): void {
    this.connections.close();
  }

  view(now: number): DownloadSource {
    const waiting = now < this.notBefore ? this.waitReason : null;
    const state = this.dropped !== null ? 'dropped' : waiting ? waiting.kind : this.inFlight > 0 ? 'active' : 'idle';
    return {
      url: this.url, peerId: this.peerId, name: this.name, state, bytes: this.bytes,
      speed: Math.round(this.meter.speed), reason: this.dropped ?? waiting?.text ?? null, encrypted: this.connections.encrypted,
    };
  }

  stored(): StoredSource {
    return { url: this.url, peerId: this.peerId, name: this.name, bytes: this.bytes, reported: this.reported };
  }
}
