// The inner nodes of a hash tree: SHA-256 of many 64-byte inputs (two child hashes each) at once.
// A tree has about one inner node per 16 KiB leaf, and one crypto.hash() call costs ~2.5 µs
// whatever its size, so inner nodes cost as much as a sixth of the leaves' hashing done one by
// one. @chainsafe/hashtree (Lodestar's, a native build per platform using SHA-NI) hashes a whole
// layer in one call at ~0.1 µs a node. Where it has no build (macOS on Intel), node:crypto does
// the same, one call a node.
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';

/** Hashes input (k × 64 bytes) into output (k × 32 bytes): output[i] = SHA-256(input[64i, 64i+64)). */
export type HashPairsInto = (input: Uint8Array, output: Uint8Array) => void;

function oneByOne(input: Uint8Array, output: Uint8Array): void {
  for (let i = 0; 64 * i < input.length; i++) output.set(hash('sha256', input.subarray(64 * i, 64 * i + 64), 'buffer'), 32 * i);
}

function load(): HashPairsInto {
  try {
    return (createRequire(import.meta.url)('@chainsafe/hashtree') as { hashInto: HashPairsInto }).hashInto;
  } catch {
    return oneByOne; // no native build for this platform
  }
}

export const hashPairsInto: HashPairsInto = load();
export { oneByOne as hashPairsOneByOne };
