// How a download's run waits: for a while, or until something it waits on happens (a piece
// arrived, a fetch ended, the user paused). A wake-up that comes while the run is busy is kept,
// so the next wait returns at once instead of missing it.
export class Wakeup {
  private wake: (() => void) | null = null;
  private woken = false;

  /** Waits ms, or less if `notify` is called meanwhile (or was since the last wait). */
  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  notify(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }
}
