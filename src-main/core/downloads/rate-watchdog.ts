// Watches one answer arrive and calls it too slow when, over a window of time spent reading, fewer
// bytes came than a minimum rate. A "no byte for N s" timer alone is beaten by a source that sends
// a byte a second (slowloris): it holds its pieces for ever. Time the download itself paused the
// connection (its own rate limit) is not counted against the source.

/** A source must send at least this much per request, measured over one window. */
export const MIN_SOURCE_BYTES_PER_SECOND = 4 * 1024;

type WatchState = 'paused' | 'watching' | 'stopped';

export class RateWatchdog {
  private state: WatchState = 'paused';
  private bytes = 0;
  /** Watched time of the current window before the stretch that began at `since`. */
  private watchedMs = 0;
  private since = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `onSlow` is called at most once, with a reason a person understands. */
  constructor(private readonly windowMs: number, private readonly onSlow: (reason: string) => void, private readonly minBytesPerSecond = MIN_SOURCE_BYTES_PER_SECOND) {}

  /** Starts or resumes the clock. */
  watch(): void {
    if (this.state !== 'paused') return;
    this.state = 'watching';
    this.since = performance.now();
    this.timer = setTimeout(() => this.judge(), Math.max(0, this.windowMs - this.watchedMs));
  }

  /** Stops the clock while we, not the source, hold the connection still. */
  pause(): void {
    if (this.state !== 'watching') return;
    clearTimeout(this.timer);
    this.watchedMs += performance.now() - this.since;
    this.state = 'paused';
  }

  received(bytes: number): void {
    this.bytes += bytes;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.state = 'stopped';
  }

  private judge(): void {
    const seconds = this.windowMs / 1000;
    if (this.bytes < this.minBytesPerSecond * seconds) {
      this.stop();
      this.onSlow(this.bytes === 0
        ? `no data for ${seconds} s`
        : `sent ${this.bytes} bytes in ${seconds} s, less than the ${this.minBytesPerSecond / 1024} KiB/s a source must keep up`);
      return;
    }
    // A new window: a source that was fast once must stay above the minimum.
    this.bytes = 0;
    this.watchedMs = 0;
    this.state = 'paused';
    this.watch();
  }
}
