// Which bytes of a file one downloader has been sent, as merged intervals: its progress through
// the file. Ranges are asked in runs and may repeat (a retry, a second connection), so a plain byte
// count would pass the file's size; the union of what was sent cannot.
export class CoveredBytes {
  /** Sorted, disjoint, non-adjacent [start, end) intervals. */
  private intervals: [number, number][] = [];
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  add(start: number, end: number): void {
    if (end <= start) return;
    const next: [number, number][] = [];
    let merged: [number, number] = [start, end];
    for (const iv of this.intervals) {
      if (iv[1] < merged[0] || iv[0] > merged[1]) next.push(iv);
      else merged = [Math.min(iv[0], merged[0]), Math.max(iv[1], merged[1])];
    }
    next.push(merged);
    next.sort((a, b) => a[0] - b[0]);
    this.intervals = next;
    this.total = next.reduce((sum, [s, e]) => sum + e - s, 0);
  }
}
