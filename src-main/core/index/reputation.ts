// A peer's reputation, 0 to 100, starting at 50. It rises slowly with uptime and with transfers
// that downloaders verified, falls fast with corrupt pieces and failures, and decays toward 50, so
// old behaviour fades and nobody is stuck at an extreme. It orders sources (source-ranking.ts).

export const REPUTATION_NEUTRAL = 50;
export const REPUTATION_MIN = 0;
export const REPUTATION_MAX = 100;

export const reputationDelta = {
  heartbeat: 0.05, // about +6 for an hour online at 30 s heartbeats
  verified: 2,
  failed: -3,
  corrupt: -15,
} as const;

/** Fraction of the distance to neutral removed per hour. */
const DECAY_PER_HOUR = 0.05;

export function clampReputation(value: number): number {
  return Math.min(REPUTATION_MAX, Math.max(REPUTATION_MIN, value));
}

export function applyReputation(current: number, delta: number): number {
  return clampReputation(current + delta);
}

/** The reputation after `elapsedMs` of decay toward neutral. */
export function decayReputation(current: number, elapsedMs: number): number {
  const keep = Math.pow(1 - DECAY_PER_HOUR, elapsedMs / 3_600_000);
  return REPUTATION_NEUTRAL + (current - REPUTATION_NEUTRAL) * keep;
}
