// What an entry point (the CLI, `shoal serve`, the desktop app's main process) does with an error
// nobody caught. A promise whose rejection nobody handled is a bug in one task (a timer's refresh,
// a fire-and-forget notice): log it and keep serving, rather than drop every transfer with it,
// which is Node's default. An exception thrown out of the event loop leaves state nobody can
// vouch for (half-written maps, a listener mid-way): log it and exit with code 1, so the app or a
// service manager starts a clean process; saved work survives (every write is whole, then renamed).

export interface FailureReport {
  (kind: 'unhandledRejection' | 'uncaughtException', err: unknown): void;
}

export interface FailurePolicy {
  /** Where reports go from now on (the real logger, once the entry point has one). */
  reportTo(report: FailureReport): void;
  /** Removes the handlers (tests). */
  dispose(): void;
}

type ProcessLike = Pick<NodeJS.Process, 'on' | 'off'> & { exit(code: number): void };

export function installFailurePolicy(proc: ProcessLike, report: FailureReport): FailurePolicy {
  let current = report;
  const onRejection = (reason: unknown) => current('unhandledRejection', reason);
  const onException = (err: unknown) => {
    try {
      current('uncaughtException', err);
    } finally {
      proc.exit(1);
    }
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return {
    reportTo: (next) => {
      current = next;
    },
    dispose: () => {
      proc.off('unhandledRejection', onRejection);
      proc.off('uncaughtException', onException);
    },
  };
}

/** A report for when there is no logger yet: one line on stderr. */
export function stderrReport(stderr: { write(text: string): unknown }): FailureReport {
  return (kind, err) => {
    stderr.write(`shoal: ${kind}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  };
}
