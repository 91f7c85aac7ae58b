// Events per minute over a sliding window of one-second buckets: searches, heartbeats.
export class RateCounter {
  private readonly buckets = new Float64Array(60);
  private readonly stamps = new Float64Array(60);

  constructor(private readonly now: () => number = Date.now) {}

  add(count = 1): void {
    const second = Math.floor(this.now() / 1000);
    const i = second % 60;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + count;
  }

  perMinute(): number {
    const second = Math.floor(this.now() / 1000);
    let total = 0;
    for (let i = 0; i < 60; i++) if (second - (this.stamps[i] ?? 0) < 60) total += this.buckets[i] ?? 0;
    return total;
  }
}
