// Coalesces bursts: `fn` runs at most once per `intervalMs`, always with the latest state, and
// once more after the burst ends so the last change is never lost.
export interface Throttled {
  (): void;
  cancel(): void;
}

export function throttle(fn: () => void, intervalMs: number): Throttled {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  // The interval counts from the end of the last run: what `fn` stamps (an event's timestamp) is
  // then never closer than intervalMs to the last run's stamp, however long `fn` took.
  const run = () => {
    timer = undefined;
    try {
      fn();
    } finally {
      last = Date.now();
    }
  };
  const throttled = (() => {
    if (timer) return;
    const wait = last + intervalMs - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  }) as Throttled;
  throttled.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return throttled;
}
