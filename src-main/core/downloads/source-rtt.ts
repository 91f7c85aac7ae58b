// How far each source is, as this node measured it: the round trip of a small request to the
// source's address (a probe's /api/v1/info, or the head of a range request, rtt-probe.ts and
// piece-fetcher.ts), kept as a moving average per address. The index cannot know it (its round trip
// to a peer is not ours), so the downloader measures for itself. One book per node, shared by every
// download, so a source measured for one download is known to the next; bounded, the oldest address
// forgotten first.

/** The newest sample's weight in the moving average: a few samples settle it, one outlier does not. */
const NEWEST_WEIGHT = 0.3;
/** Addresses kept at most (a few downloads of 64 sources each, many times over). */
const MAX_ADDRESSES = 1024;
/** A measurement older than this is measured again before it decides anything new. */
const RTT_FRESH_MS = 60_000;

interface Entry {
  ms: number;
  at: number;
}

export class SourceRtt {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** One sample for the source at `address` (host:port: what is measured is the way to it). */
  note(address: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const key = address;
    const known = this.entries.get(key);
    this.entries.delete(key); // re-inserted last: the map's order is the order of use
    this.entries.set(key, { ms: known ? known.ms * (1 - NEWEST_WEIGHT) + ms * NEWEST_WEIGHT : ms, at: this.now() });
    if (this.entries.size > MAX_ADDRESSES) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The average round trip to `address` (host:port), ms; null until measured. */
  of(address: string): number | null {
    return this.entries.get(address)?.ms ?? null;
  }

  /** Measured within RTT_FRESH_MS. */
  fresh(address: string): boolean {
    const entry = this.entries.get(address);
    return entry !== undefined && this.now() - entry.at < RTT_FRESH_MS;
  }
}
