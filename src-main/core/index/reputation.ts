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

/** The reputation after `elapsedMs` of decay toward neutral. */
export function decayReputation(current: number, elapsedMs: number): number {
  const keep = Math.pow(1 - DECAY_PER_HOUR, elapsedMs / 3_600_000);
  return REPUTATION_NEUTRAL + (current - REPUTATION_NEUTRAL) * keep;
}

// ---- transfer reports (issue 14; docs/security.md, "What the index believes") -----------------
//
// A downloader's report moves a source's reputation only when the index can believe it:
// - it comes from a registered identity (a session: the key signed, the address answered);
// - it counts once per (reporter, source, file, download);
// - the index itself sent that reporter (its address) to that source for that file, lately
//   (referrals.ts): nobody reports on a peer it was never pointed at;
// - each reporter has REPORTS_PER_HOUR counted reports an hour (429 beyond);
// - it is weighted by the reporter's standing and age (reportWeight): a new identity weighs
//   almost nothing, so sybils made for the purpose move nobody;
// - whatever its weight, one reporter moves one source by at most PAIR_CAP points a day.

/** Reports one reporter may send an hour (a token bucket: a burst of this many, then one every 30 s). */
export const REPORTS_PER_HOUR = 120;
/** The most one reporter's counted reports move one source (either way) within PAIR_WINDOW_MS. */
export const PAIR_CAP = 15;
export const PAIR_WINDOW_MS = 24 * 3_600_000;

export interface ReporterStanding {
  /** The reporter's own reputation. */
  reputation: number;
  /** How long the index has known this identity (since its first registration, kept while it is known). */
  ageMs: number;
}

/**
 * How much one report of this reporter counts, 0 to 1: its age over `maturityMs` (the config's
 * super_peer.reporter_maturity, a day by default) times its standing (its reputation over
 * neutral: a reporter in good standing counts fully, one below neutral in proportion, one at 0
 * not at all).
 */
export function reportWeight(s: ReporterStanding, maturityMs: number): number {
  const age = maturityMs > 0 ? Math.min(1, Math.max(0, s.ageMs / maturityMs)) : 1;
  const standing = Math.min(1, Math.max(0, s.reputation / REPUTATION_NEUTRAL));
  return age * standing;
}

/**
 * The change one report makes: the outcome's delta times the weight, cut so that this reporter's
 * reports on this subject move it at most PAIR_CAP within the window (`moved`: what they moved so far).
 */
export function reportEffect(outcome: keyof typeof reputationDelta, weight: number, moved: number): number {
  const full = reputationDelta[outcome] * weight;
  const room = Math.max(0, PAIR_CAP - moved);
  return Math.sign(full) * Math.min(Math.abs(full), room);
}
