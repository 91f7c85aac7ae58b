// Whether each known index server answers, for the user: the one a peer is registered with says
// so by every heartbeat, but the others (standby, added by hand, found on the LAN) would show
// "standby" even with nothing listening. So they are asked (`GET /api/v1/stats`, cheap) now and
// then, and every attempt, the client's own included, is noted with its time and error.

import type { IndexConnectionView } from '../../../src-shared/api/peer-routes.js';

/** A server's reachability as Settings shows it: that part of the contract's server view. */
type ReachabilityView = Pick<IndexConnectionView['servers'][number], 'reachable' | 'lastError' | 'lastTriedAt' | 'rttMs'>;

interface Attempt {
  ok: boolean;
  error: string | null;
  at: number;
  rttMs: number | null;
  /** The latest probe round trips, newest last (a few: the best of them is the path's). */
  samples: number[];
}

/** Round trips kept per server; the best of them is its distance (a busy moment adds, never removes). */
const SAMPLES = 4;
/** Samples needed before a server's distance counts for choosing (one cold connection is noise). */
const SAMPLES_TO_RANK = 2;

export interface ServerReachabilityOptions {
  /** The addresses to ask: every known server (the one in use too: its round trip counts). */
  toProbe(): string[];
  /** Resolves when the server answers as an index server, throws with the reason otherwise. */
  probe(address: string): Promise<unknown>;
  everyMs: number;
  now(): number;
}

/** Known servers are few (a hand-added list is capped): this bounds memory against a churning LAN. */
const MAX_REMEMBERED = 256;

export class ServerReachability {
  private readonly attempts = new Map<string, Attempt>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;

  constructor(private readonly o: ServerReachabilityOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probeAll(), this.o.everyMs);
    this.timer.unref();
    void this.probeAll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  note(address: string, ok: boolean, error: string | null = null, rttMs?: number): void {
    const before = this.attempts.get(address);
    this.attempts.delete(address); // re-inserted last: the map's order is oldest first
    // A success without a timing (a registration, a heartbeat) keeps the last probe's round trip.
    const rtt = ok ? (rttMs ?? before?.rttMs ?? null) : null;
    const samples = !ok ? [] : rttMs === undefined ? (before?.samples ?? []) : [...(before?.samples ?? []), rttMs].slice(-SAMPLES);
    this.attempts.set(address, { ok, error: ok ? null : error, at: this.o.now(), rttMs: rtt, samples });
    if (this.attempts.size > MAX_REMEMBERED) this.attempts.delete(this.attempts.keys().next().value as string);
  }

  view(address: string): ReachabilityView {
    const a = this.attempts.get(address);
    return a
      ? { reachable: a.ok, lastError: a.error, lastTriedAt: new Date(a.at).toISOString(), rttMs: a.rttMs }
      : { reachable: null, lastError: null, lastTriedAt: null, rttMs: null };
  }

  /** How far `address` is (the best recent round trip), once measured enough, while it answers. */
  distanceMs(address: string): number | undefined {
    const a = this.attempts.get(address);
    return a?.ok && a.samples.length >= SAMPLES_TO_RANK ? Math.min(...a.samples) : undefined;
  }

  /** Asks every server to probe once (one round at a time); resolves when all answered or failed. */
  probeAll(): Promise<void> {
    this.round ??= (async () => {
      try {
        await Promise.all(this.o.toProbe().map(async (address) => {
          try {
            const started = performance.now();
            await this.o.probe(address);
            this.note(address, true, null, Math.round((performance.now() - started) * 10) / 10);
          } catch (err) {
            this.note(address, false, err instanceof Error ? err.message : String(err));
          }
        }));
      } finally {
        this.round = undefined;
      }
    })();
    return this.round;
  }
}
