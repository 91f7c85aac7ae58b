// Which bytes of a file one downloader has been sent, as merged intervals: its progress through
// the file. Ranges are asked in runs and may repeat (a retry, a second connection), so a plain byte
// count would pass the file's size; the union of what was sent cannot.
// Called for every chunk sent, so an add costs a binary search, and usually extends the interval
// its range's previous chunk made. The intervals are capped: past the cap the two closest merge,
// the gap between them left uncounted, so the total never counts a byte that was not sent and
// never goes down (a downloader asking for many tiny scattered ranges costs bounded memory).

/** Intervals kept at most per downloader and file. */
export const MAX_INTERVALS = 1024;

export class CoveredBytes {
  /** Sorted, disjoint, non-adjacent [start, end) intervals. */
  private readonly intervals: [number, number][] = [];
  private total = 0;

  constructor(private readonly maxIntervals = MAX_INTERVALS) {}

  /** Distinct bytes sent (less, once intervals were merged over gaps: see above). */
  get bytes(): number {
    return this.total;
  }

  /** How many intervals are kept. */
  get count(): number {
    return this.intervals.length;
  }

  add(start: number, end: number): void {
    if (end <= start) return;
    const ivs = this.intervals;
    // The first interval that ends at or after `start`: the first this range can touch.
    let lo = 0;
    let hi = ivs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ivs[mid]![1] < start) lo = mid + 1;
      else hi = mid;
    }
    let s = start;
    let e = end;
    let had = 0;
    let i = lo;
    for (; i < ivs.length && ivs[i]![0] <= end; i++) {
      const iv = ivs[i]!;
      if (iv[0] < s) s = iv[0];
      if (iv[1] > e) e = iv[1];
      had += iv[1] - iv[0];
    }
    this.total += e - s - had;
    if (i - lo === 1) {
      const iv = ivs[lo]!;
      iv[0] = s;
      iv[1] = e;
    } else {
      ivs.splice(lo, i - lo, [s, e]);
      if (ivs.length > this.maxIntervals) this.mergeClosest();
    }
  }

  /** Merges the two intervals with the smallest gap between them; the gap stays uncounted. */
  private mergeClosest(): void {
    const ivs = this.intervals;
    let best = 1;
    for (let i = 2; i < ivs.length; i++) {
      if (ivs[i]![0] - ivs[i - 1]![1] < ivs[best]![0] - ivs[best - 1]![1]) best = i;
    }
    ivs[best - 1]![1] = ivs[best]![1];
    ivs.splice(best, 1);
  }
}
