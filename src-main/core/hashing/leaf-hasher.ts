// The leaf layer of the hash tree: SHA-256 of each 16 KiB block, many blocks per call. This is
// where indexing and piece checks spend nearly all their CPU. node:crypto needs one call per
// block, and each call costs ~3-4 µs besides the hashing (about a fifth of a block's time), so
// where it can be built, a small native addon (native/leaf-hash: the SHA-256 instructions of x86
// and 64-bit ARM) hashes a whole run of blocks in one call, ~1.2x as fast per CPU second
// (docs/benchmarks.md). Without it
// (no compiler at install, another CPU, a packaged app without the file) node:crypto does the
// same work, one call a block: same results, only slower.
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';

export const LEAF_BYTES = 16 * 1024;

/** output[32 i, 32 i + 32) = SHA-256 of the i-th 16 KiB block of input (the last may be short; an empty input is one empty block). */
export type HashLeavesInto = (input: Uint8Array, output: Uint8Array) => void;

export function hashLeavesOneByOne(input: Uint8Array, output: Uint8Array): void {
  const leaves = Math.max(1, Math.ceil(input.length / LEAF_BYTES));
  if (output.length < leaves * 32) throw new RangeError('the output has no room for every leaf hash');
  for (let i = 0; i < leaves; i++) output.set(hash('sha256', input.subarray(i * LEAF_BYTES, (i + 1) * LEAF_BYTES), 'buffer'), 32 * i);
}

/** Whether the root of `data`'s leaf hashes, padded with zero hashes to `leaves`, is `expected`. */
export type CheckPiece = (data: Uint8Array, leaves: number, expected: Uint8Array) => Promise<boolean>;

/** What the addon's hashFile answers: the file's pieces, or why it could not hash them. */
export type NativeFileAnswer =
  | { notAFile: true }
  | { changed: string }
  | { size: number; pieceSize: number; mtimeSec: number; mtimeNsec: number; ino: number; nodes: Buffer; head: Buffer };

/**
 * A shared file's piece nodes (or those of [start, end), a part starting at a piece boundary),
 * read and hashed on libuv's thread pool (thread-pool-hasher.ts). `end` and `expectedSize` -1:
 * the file's end and any size. Rejects with an fs error code (ENOENT, EACCES…).
 */
export type NativeHashFile = (
  path: string, start: number, end: number, expectedSize: number, headBytes: number, minPiece: number, maxPiece: number, targetPieces: number,
) => Promise<NativeFileAnswer>;

export interface NativeLeafHash {
  supported(): boolean;
  hashLeaves: HashLeavesInto;
  /** The whole piece check on libuv's thread pool; `data` must not change until it settles. */
  checkPiece: CheckPiece;
  /** Not on Windows. */
  hashFile?: NativeHashFile;
}

/** Where the built addon is, seen from this file in the sources (tests) and in out/ (the build). */
const ADDON_PATHS = ['../../../native/leaf-hash/build/Release/leaf_hash.node', '../../../../native/leaf-hash/build/Release/leaf_hash.node'];

/** The native addon, or undefined when it is not built or this CPU lacks SHA extensions. SHOAL_NATIVE_HASH=0 turns it off. */
export function loadNativeLeafHash(): NativeLeafHash | undefined {
  if (process.env.SHOAL_NATIVE_HASH === '0') return undefined;
  const require = createRequire(import.meta.url);
  for (const path of ADDON_PATHS) {
    try {
      const addon = require(path) as NativeLeafHash;
      return addon.supported() ? addon : undefined;
    } catch {
      // not built at this path
    }
  }
  return undefined;
}

const native = loadNativeLeafHash();

/** The fastest leaf hasher this process has. */
export const hashLeavesInto: HashLeavesInto = native?.hashLeaves ?? hashLeavesOneByOne;
/** Whether hashLeavesInto is the native one (for the benchmark's note and `shoal` diagnostics). */
export const nativeLeafHashing = native !== undefined;
/** The native piece check (hash-thread.ts), where the addon is. */
export const nativeCheckPiece: CheckPiece | undefined = native?.checkPiece;
/** The native file hasher (thread-pool-hasher.ts), where the addon is and has it. */
export const nativeHashFile: NativeHashFile | undefined = native?.hashFile;
