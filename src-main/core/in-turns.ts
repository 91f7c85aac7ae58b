// Runs an async action over many items with only a few in flight at once: probes of sources,
// checks of the peers a DHT names, a batch's downloads started. Bounded, so a long list never
// opens a connection per item at once.

/** Runs `act` over `items` with at most `limit` in flight; results in the items' order. */
export async function inTurns<T, R>(items: readonly T[], limit: number, act: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await act(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
