// How a node stops: its services' close steps, run in order, each whatever happened to the one
// before. A close that throws is logged and the next still runs, so one failing service never
// leaves the database or the worker threads open. One list for both ways out: a start that failed
// half way, and stop().

export interface ShutdownStep {
  name: string;
  run(): void | Promise<void>;
}

export async function runShutdown(steps: readonly ShutdownStep[], onError: (step: string, err: unknown) => void): Promise<void> {
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      onError(step.name, err);
    }
  }
}
