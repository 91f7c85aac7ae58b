// Ctrl-C / SIGTERM: stop the node cleanly and exit 0; if stopping hangs, give up after a grace
// period and exit 1; a second signal means "now" and exits at once.
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface StopOnSignalsOptions {
  signals: SignalSource;
  /** Stops the node; may reject. */
  stop: () => Promise<void>;
  exit: (code: number) => void;
  /** Told about a failed or slow stop; the caller decides where that goes. */
  report: (message: string, error?: unknown) => void;
  graceMs?: number;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function stopOnSignals({ signals, stop, exit, report, graceMs = 2000 }: StopOnSignalsOptions): void {
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) {
      exit(1);
      return;
    }
    stopping = true;
    // unref: the timer must not be what keeps a cleanly stopped process alive.
    const timer = setTimeout(() => {
      report(`stopping took longer than ${graceMs} ms; exiting anyway`);
      exit(1);
    }, graceMs);
    timer.unref();
    stop().then(
      () => {
        clearTimeout(timer);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        report('stopping failed', error);
        exit(1);
      },
    );
  };
  for (const signal of SIGNALS) signals.on(signal, onSignal);
}
