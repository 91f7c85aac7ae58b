// The tree's inner nodes: the native batch (on this platform) and the fallback agree with a plain
// SHA-256 of each 64-byte pair.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPairsInto, hashPairsOneByOne } from '../../src-main/core/hashing/pair-hasher.js';
import { sha256Bytes } from '../support/sha256.js';

describe('hashing pairs of child hashes', () => {
  it('gives SHA-256 of each 64-byte input, natively where a build exists and one by one elsewhere', () => {
    const input = randomBytes(64 * 37);
    const expected = Buffer.concat(Array.from({ length: 37 }, (_, i) => sha256Bytes(input.subarray(64 * i, 64 * i + 64))));
    for (const hashPairs of [hashPairsInto, hashPairsOneByOne]) {
      const output = Buffer.alloc(32 * 37);
      hashPairs(input, output);
      expect(output.equals(expected)).toBe(true);
    }
    // Linux x64 (here and CI) has the native build: what is measured is what ships.
    if (process.platform === 'linux' && process.arch === 'x64') expect(hashPairsInto).not.toBe(hashPairsOneByOne);
  });
});
