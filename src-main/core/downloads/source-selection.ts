// Which of a download's sources it uses at once. Past a few sources, more connections only split
// the same link between them, cost a TLS handshake each, and take upload slots other downloaders
// could use; so a download keeps at most `cap` sources active (transfers.max_sources_per_download,
// 8 by default: at one request of up to 4 MiB each, as many bytes in flight as the run holds for
// the disk, and losing one costs an eighth) and the others wait as standbys. With no more sources
// than the cap, every one is active, as before.
//
// Choosing: lowest score first, where
//
//   score = round trip (ms, measured by this node; UNKNOWN_RTT_MS until measured)
//         + RANK_STEP_MS × its place in the index's order (reputation and load, best first)
//         + FAILURE_PENALTY_MS × its failures in this run
//
// so a near source goes first, and among sources about as near, the index's order decides.
// A standby takes the place of an active source at once when that one is dropped or waits out a
// backoff or a Retry-After (a failed source with no standby ready keeps its place). Every
// REVIEW_MS the slowest active source (by the bytes/s it gave while it had requests in flight,
// once active for MIN_ACTIVE_MS) gives its place to the standby expected to be fastest, if that one
// is expected to be more than SWAP_FACTOR times faster. A standby's expectation is what it gave
// when it was active in this run; else the median active source's rate scaled by round trips
// (median active round trip / its round trip, a ratio held within [1/8, 4]: TCP over a longer
// round trip is slower); divided by 1 + its failures. The factor, the time an active source is
// given to show its rate, and a demoted source being judged by its own rate from then on, keep
// sources from flapping between active and standby.

export const MAX_ACTIVE_SOURCES = 8;
const UNKNOWN_RTT_MS = 500;
const RANK_STEP_MS = 3;
const FAILURE_PENALTY_MS = 200;
export const REVIEW_MS = 5_000;
export const MIN_ACTIVE_MS = 10_000;
const SWAP_FACTOR = 2;
/** Below this, round trips are alike for the model (a LAN's 0.2 ms and 2 ms move the same bytes). */
const RTT_FLOOR_MS = 10;
const MIN_RTT_RATIO = 1 / 8;
const MAX_RTT_RATIO = 4;

export interface SelectionCandidate {
  readonly url: string;
  /** Its place in the index's order (0: the index's best). */
  readonly rank: number;
  /** The measured round trip, ms; null until measured. */
  readonly rttMs: number | null;
  /** Not dropped for this run. */
  readonly alive: boolean;
  /** May be asked now: alive, and not waiting out a backoff or a Retry-After. */
  readonly ready: boolean;
  readonly failures: number;
  /** Bytes/s it gave in this run while it had requests in flight; null until measured. */
  readonly rate: number | null;
}

function selectionScore(c: SelectionCandidate): number {
  return (c.rttMs ?? UNKNOWN_RTT_MS) + RANK_STEP_MS * c.rank + FAILURE_PENALTY_MS * c.failures;
}

export class SourceSelection {
  /** Active sources and since when. */
  private readonly active = new Map<string, number>();
  private lastReview: number | null = null;

  constructor(readonly cap: number = MAX_ACTIVE_SOURCES) {}

  /**
   * Updates and answers the active sources' urls. `review`: a swap for speed may be made now (no
   * point in the endgame, when every piece left is already asked).
   */
  update(candidates: readonly SelectionCandidate[], now: number, review = true): ReadonlySet<string> {
    const alive = candidates.filter((c) => c.alive);
    const present = new Set(alive.map((c) => c.url));
    for (const url of this.active.keys()) if (!present.has(url)) this.active.delete(url);
    if (alive.length <= this.cap) {
      for (const c of alive) if (!this.active.has(c.url)) this.active.set(c.url, now);
      return new Set(this.active.keys());
    }
    const standbys = alive.filter((c) => c.ready && !this.active.has(c.url)).sort((a, b) => selectionScore(a) - selectionScore(b));
    // A failed source yields its place to a ready standby; the worst-placed fails over first.
    const failed = alive.filter((c) => this.active.has(c.url) && !c.ready).sort((a, b) => selectionScore(b) - selectionScore(a));
    for (const c of failed) {
      const next = standbys.shift();
      if (!next) break;
      this.active.delete(c.url);
      this.active.set(next.url, now);
    }
    while (this.active.size < this.cap && standbys.length > 0) this.active.set(standbys.shift()!.url, now);
    this.lastReview ??= now;
    if (review && now - this.lastReview >= REVIEW_MS) {
      this.lastReview = now;
      this.swapForSpeed(alive, standbys, now);
    }
    return new Set(this.active.keys());
  }

  /** At most one swap: the slowest active source for a standby expected to be much faster. */
  private swapForSpeed(alive: readonly SelectionCandidate[], standbys: readonly SelectionCandidate[], now: number): void {
    const measured = alive.filter((c) => this.active.has(c.url) && c.rate !== null);
    if (measured.length === 0 || standbys.length === 0) return;
    const reference = { rate: median(measured.map((c) => c.rate!)), rttMs: median(measured.map((c) => c.rttMs ?? UNKNOWN_RTT_MS)) };
    let slowest: SelectionCandidate | null = null;
    for (const c of measured) if (now - this.active.get(c.url)! >= MIN_ACTIVE_MS && (!slowest || c.rate! < slowest.rate!)) slowest = c;
    if (!slowest) return;
    let best: SelectionCandidate | null = null;
    let bestRate = 0;
    for (const c of standbys) {
      const rate = expectedRate(c, reference);
      if (rate > bestRate) {
        best = c;
        bestRate = rate;
      }
    }
    if (!best || bestRate <= SWAP_FACTOR * slowest.rate!) return;
    this.active.delete(slowest.url);
    this.active.set(best.url, now);
  }
}

/** What a standby is expected to give, from its own rate in this run or from how near it is. */
function expectedRate(c: SelectionCandidate, reference: { rate: number; rttMs: number }): number {
  const ratio = Math.max(RTT_FLOOR_MS, reference.rttMs) / Math.max(RTT_FLOOR_MS, c.rttMs ?? UNKNOWN_RTT_MS);
  const rate = c.rate ?? reference.rate * Math.min(MAX_RTT_RATIO, Math.max(MIN_RTT_RATIO, ratio));
  return rate / (1 + c.failures);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
