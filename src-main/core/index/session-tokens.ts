// Per-peer session tokens: handed out at registration, stored only as a SHA-256, presented as
// `Authorization: Bearer …` so no peer can heartbeat, update or remove another's registration.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('hex');
  return { token, hash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sessionMatches(token: string | undefined, storedHash: string | null | undefined): boolean {
  if (!token || !storedHash) return false;
  const given = Buffer.from(hashSessionToken(token), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function bearerToken(header: string | undefined): string | undefined {
  return header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
}
