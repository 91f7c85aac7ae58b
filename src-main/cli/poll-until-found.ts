// Asks `probe` every 100 ms until it returns a non-empty list or `timeoutMs` passes.
export async function pollUntilFound<T>(probe: () => T[], timeoutMs: number): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found.length > 0 || Date.now() >= deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
