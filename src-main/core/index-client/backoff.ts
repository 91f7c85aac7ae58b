// Exponential backoff with full jitter: retries spread out instead of arriving together when an
// index server comes back.
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 20));
  return Math.round(minMs / 2 + random() * (ceiling - minMs / 2));
}
