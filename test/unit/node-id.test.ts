// Node ids (Syncthing's device-id form of an Ed25519 key): one written form per key, check
// characters verified, pasted variants accepted.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeIdFromPublicKey, normalizeNodeId, publicKeyOfNodeId } from '../../src-shared/node-id.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The Luhn mod 32 check character of a run, written again here from the format's description. */
function check(run: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = run.length - 1; i >= 0; i--) {
    const addend = factor * ALPHABET.indexOf(run[i]!);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return ALPHABET[(32 - (sum % 32)) % 32]!;
}

describe('node ids', () => {
  it('name each key in one form that reads back to the key, lower case and without dashes too', () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(32);
      const id = nodeIdFromPublicKey(key);
      expect(id).toMatch(/^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/);
      expect(Buffer.from(publicKeyOfNodeId(id)!).equals(key)).toBe(true);
      expect(normalizeNodeId(id)).toBe(id);
      expect(normalizeNodeId(id.toLowerCase().replaceAll('-', ''))).toBe(id);
    }
  });

  it('refuse a typo, a wrong length, and a second spelling of the same key (spare bits set)', () => {
    const id = nodeIdFromPublicKey(randomBytes(32));
    const typo = `${id.slice(0, 3)}${id[3] === 'A' ? 'B' : 'A'}${id.slice(4)}`;
    expect(normalizeNodeId(typo)).toBeUndefined();
    expect(normalizeNodeId(id.slice(0, -1))).toBeUndefined();
    // The last key letter carries 1 bit and 4 spare ones: set a spare bit, fix the run's check.
    const compact = id.replaceAll('-', '');
    const lastRun = compact.slice(42, 55);
    const spare = ALPHABET[ALPHABET.indexOf(lastRun[12]!) ^ 0b0001]!;
    const respelt = `${compact.slice(0, 42)}${lastRun.slice(0, 12)}${spare}${check(lastRun.slice(0, 12) + spare)}`;
    expect(respelt).toHaveLength(56);
    expect(publicKeyOfNodeId(respelt)).toBeUndefined();
    expect(normalizeNodeId(respelt)).toBeUndefined();
  });
});
