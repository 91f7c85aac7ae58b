// One source of one download: its connection pool, its free slots, and how it behaved
// (errors back it off, bad data twice drops it, a 503 makes it busy until Retry-After).
// How it behaved counts for one run of the download only: a pause, a resume or a restart starts
// every source afresh (a source dropped by mistake, or fixed since, is asked again). What lasts
// for the whole download is whether it was reported to the index: once, never twice.
// Past the download's cap on sources at once, a source may wait as a standby (source-selection.ts):
// it is then given no request, and what it gave while active says how fast it is.
import type { DownloadSource } from '../../../src-shared/api/transfers.js';
import type { NodeTls } from '../net/node-tls.js';
import { SpeedMeter } from '../transfers/speed-meter.js';
import type { StoredSource } from './download-store.js';
import { SourceConnectionPool } from './source-connection-pool.js';
import type { FetchFailure } from './piece-fetcher.js';

const MAX_BACKOFF_MS = 60_000;
export const CORRUPT_STRIKES = 2;
/** A source's rate counts once it had requests in flight this long (TCP has ramped up by then). */
const MIN_BUSY_MS = 2_000;
/** The API's bound on a round trip (a probe that timed out is noted as 2 s). */
const MAX_SHOWN_RTT_MS = 60_000;

export class DownloadSourceState {
  readonly connections: SourceConnectionPool;
  readonly meter = new SpeedMeter();
  /** Requests in flight (began() and ended()). */
  inFlight = 0;
  bytes: number;
  dropped: string | null = null;
  /** Its place in the index's latest order of sources (0: the best). */
  rank: number;
  /** Waiting while nearer or faster sources serve (source-selection.ts): asked for nothing. */
  standby = false;
  /** Failures in this run (errors, stalls, bad data), not reset by a success. */
  failures = 0;
  /** Bytes received and time spent with requests in flight, in this run: its rate as a source. */
  private busyBytes = 0;
  private busyMs = 0;
  private busySince: number | null = null;
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
  constructor(readonly url: string, readonly peerId: string | null, readonly name: string | null, maxSlots: number, stored?: StoredSource, tls?: NodeTls | null, rank = 0) {
    this.rank = rank;
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
    this.standby = false;
    this.failures = 0;
    this.busyBytes = 0;
    this.busyMs = 0;
    this.busySince = null;
  }

  /** True the first time only: a source is reported to the index once per download. */
  claimReport(): boolean {
    if (this.reported) return false;
    this.reported = true;
    return true;
  }

  /** Whether this source may be given a piece now. */
  usable(now: number): boolean {
    return this.ready(now) && !this.standby && this.inFlight < this.slots;
  }

  /** Not dropped, and not waiting out a backoff or a Retry-After at `now`. */
  ready(now: number): boolean {
    return this.dropped === null && now >= this.notBefore;
  }

  /** A request to it starts. */
  began(now: number): void {
    if (this.inFlight++ === 0) this.busySince = now;
  }

  /** A request to it ended, however. */
  ended(now: number): void {
    if (--this.inFlight === 0 && this.busySince !== null) {
      this.busyMs += now - this.busySince;
      this.busySince = null;
    }
  }

  /** Body bytes came from it. */
  received(bytes: number): void {
    this.meter.add(bytes);
    this.busyBytes += bytes;
  }

  /** Bytes/s it gave in this run while it had requests in flight; null until it had them for MIN_BUSY_MS. */
  rate(now: number): number | null {
    const ms = this.busyMs + (this.busySince === null ? 0 : now - this.busySince);
    return ms >= MIN_BUSY_MS ? (this.busyBytes * 1000) / ms : null;
  }

  /** host:port, where its round trip is measured (source-rtt.ts). */
  get address(): string {
    return this.connections.url.host;
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
    this.failures++;
    if (this.corrupt !== CORRUPT_STRIKES || this.dropped !== null) return false;
    this.drop(`sent data that failed verification ${this.corrupt} times`);
    return true;
  }

  failed(kind: FetchFailure, message: string, now: number, retryAfterMs?: number): void {
    if (kind === 'cancelled') return;
    if (kind === 'gone' || kind === 'changed' || kind === 'protocol') return this.drop(message);
    this.failures++;
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

  /** `rttMs`: the round trip this node measured to it (source-rtt.ts). */
  view(now: number, rttMs: number | null): DownloadSource {
    const waiting = now < this.notBefore ? this.waitReason : null;
    const state = this.dropped !== null ? 'dropped' : waiting ? waiting.kind : this.standby ? 'standby' : this.inFlight > 0 ? 'active' : 'idle';
    return {
      url: this.url, peerId: this.peerId, name: this.name, state, bytes: this.bytes,
      speed: Math.round(this.meter.speed), reason: this.dropped ?? waiting?.text ?? null, encrypted: this.connections.encrypted,
      rttMs: rttMs === null ? null : Math.min(MAX_SHOWN_RTT_MS, Math.round(rttMs)),
    };
  }

  stored(): StoredSource {
    return { url: this.url, peerId: this.peerId, name: this.name, bytes: this.bytes, reported: this.reported };
  }
}
