// Bytes per second over a sliding window of one-second buckets: steady enough for an ETA,
// quick enough to show a source slowing down.
const WINDOW_SECONDS = 5;

export class SpeedMeter {
  private readonly buckets = new Float64Array(WINDOW_SECONDS);
  private bucketSecond = -1;
  private readonly startedAt: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
  }

  add(bytes: number): void {
    this.advance();
    this.buckets[this.bucketSecond % WINDOW_SECONDS]! += bytes;
  }

  /** Bytes per second; the current (partial) second counts by its elapsed share. */
  get speed(): number {
    this.advance();
    const elapsed = (this.now() - this.startedAt) / 1000;
    let total = 0;
    for (const b of this.buckets) total += b;
    const span = Math.min(WINDOW_SECONDS - 1 + (elapsed % 1), elapsed);
    return span > 0.2 ? total / span : 0;
  }

  private advance(): void {
    const second = Math.floor((this.now() - this.startedAt) / 1000);
    if (this.bucketSecond < 0) this.bucketSecond = second;
    while (this.bucketSecond < second) {
      this.bucketSecond++;
      this.buckets[this.bucketSecond % WINDOW_SECONDS] = 0;
    }
  }
}
