// Fresh challenges for registrations: a registration is accepted only with the node key's
// signature over a challenge this index handed out, recently, and never used before, so a
// captured registration can't be replayed (here or at another index: the index id is signed too).
// Challenges carry their own expiry and an HMAC, so handing one out stores nothing; only used
// ones are remembered, until they would have expired anyway.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a challenge stays good: a registration follows its challenge within a round trip. */
export const CHALLENGE_TTL_MS = 60_000;
/** Used challenges remembered at most; beyond it registrations wait (a flood, not real peers). */
const MAX_REMEMBERED = 200_000;

export type ChallengeCheck = 'ok' | 'malformed' | 'expired' | 'used' | 'busy';

export class RegistrationChallenges {
  private readonly secret = randomBytes(32);
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(): string {
    const body = `${(this.now() + CHALLENGE_TTL_MS).toString(36)}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.mac(body)}`;
  }

  /** Checks a challenge and, when good, spends it. */
  redeem(challenge: string): ChallengeCheck {
    const parts = challenge.split('.');
    if (parts.length !== 3) return 'malformed';
    const [expires, random, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(`${expires}.${random}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'malformed';
    const expiresAt = Number.parseInt(expires, 36);
    const now = this.now();
    if (!(expiresAt > now)) return 'expired';
    this.forgetExpired(now);
    if (this.used.has(challenge)) return 'used';
    if (this.used.size >= MAX_REMEMBERED) return 'busy';
    this.used.set(challenge, expiresAt);
    return 'ok';
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }

  private forgetExpired(now: number): void {
    // Insertion order is nearly expiry order (one TTL for all): stop at the first live one.
    for (const [challenge, expiresAt] of this.used) {
      if (expiresAt > now) break;
      this.used.delete(challenge);
    }
  }
}
