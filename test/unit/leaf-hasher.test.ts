// The leaf layer: the native addon (native/leaf-hash, built by npm install) and the node:crypto
// fallback both give SHA-256 of each 16 KiB block, at every length that crosses a SHA-256 padding
// or block boundary.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashLeavesInto, hashLeavesOneByOne, LEAF_BYTES, loadNativeLeafHash, nativeLeafHashing } from '../../src-main/core/hashing/leaf-hasher.js';
import { sha256Bytes } from '../support/sha256.js';

function expectedLeaves(input: Buffer): Buffer {
  const leaves = Math.max(1, Math.ceil(input.length / LEAF_BYTES));
  return Buffer.concat(Array.from({ length: leaves }, (_, i) => sha256Bytes(input.subarray(i * LEAF_BYTES, (i + 1) * LEAF_BYTES))));
}

const LENGTHS = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, LEAF_BYTES - 1, LEAF_BYTES, LEAF_BYTES + 1, 2 * LEAF_BYTES, 3 * LEAF_BYTES, 5 * LEAF_BYTES + 56, 64 * LEAF_BYTES + 7];

describe('hashing the leaves of the tree', () => {
  const native = loadNativeLeafHash()?.hashLeaves;
  const hashers = { native, oneByOne: hashLeavesOneByOne };

  for (const [name, hashLeaves] of Object.entries(hashers)) {
    it.skipIf(!hashLeaves)(`${name}: SHA-256 of each 16 KiB block, the last one short`, () => {
      for (const length of LENGTHS) {
        const input = randomBytes(length);
        const output = Buffer.alloc(Math.max(1, Math.ceil(length / LEAF_BYTES)) * 32);
        hashLeaves!(input, output);
        expect(output.equals(expectedLeaves(input)), `length ${length}`).toBe(true);
      }
    });

    it.skipIf(!hashLeaves)(`${name}: reads only its view of a larger buffer and writes only its leaves`, () => {
      const backing = randomBytes(4 * LEAF_BYTES + 100);
      const view = backing.subarray(50, 50 + 3 * LEAF_BYTES + 9);
      const out = Buffer.alloc(6 * 32, 0xee);
      hashLeaves!(view, out.subarray(32));
      expect(out.subarray(32, 32 + 4 * 32).equals(expectedLeaves(Buffer.from(view)))).toBe(true);
      expect(out.subarray(0, 32).every((b) => b === 0xee)).toBe(true);
      expect(out.subarray(5 * 32).every((b) => b === 0xee)).toBe(true);
    });

    it.skipIf(!hashLeaves)(`${name}: refuses an output too small for every leaf`, () => {
      expect(() => hashLeaves!(randomBytes(2 * LEAF_BYTES + 1), Buffer.alloc(64))).toThrow(RangeError);
    });
  }

  it('uses the native build where the CPU has SHA extensions (Linux x64 here and in CI): what is measured is what ships', () => {
    const cpuHasSha = process.platform === 'linux' && process.arch === 'x64' && /\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    if (!cpuHasSha) return;
    expect(native).toBeDefined();
    expect(nativeLeafHashing).toBe(true);
    expect(hashLeavesInto).not.toBe(hashLeavesOneByOne);
  });
});
