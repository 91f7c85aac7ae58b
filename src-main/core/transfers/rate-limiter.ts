// A token bucket shared by every transfer in one direction: `consume(n)` answers how long the
// caller must wait before it may move n more bytes. The rate changes live (0 = unlimited).
// The bucket holds at most a quarter of a second of bytes: enough to make up for a timer that
// fires late on a busy machine, too little for a burst to break a limit over a few seconds.
export class RateLimiter {
  private tokens = 0;
  private last: number;

  constructor(private bytesPerSecond: number, private readonly now: () => number = () => performance.now()) {
    this.last = now();
  }

  get rate(): number {
    return this.bytesPerSecond;
  }

  setRate(bytesPerSecond: number): void {
    this.refill();
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  /** Takes n bytes' worth of tokens (going into debt if needed); returns the wait in ms. */
  consume(bytes: number): number {
    if (this.bytesPerSecond <= 0) return 0;
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.bytesPerSecond) * 1000;
  }

  private capacity(): number {
    return Math.max(16 * 1024, this.bytesPerSecond / 4);
  }

  private refill(): void {
    const now = this.now();
    if (this.bytesPerSecond > 0) this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
    this.last = now;
  }
}
