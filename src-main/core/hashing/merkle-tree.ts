// The BitTorrent v2 hash tree (BEP 52) that file ids and piece checks are made of. A file's id is
// the root of a binary SHA-256 tree whose leaves are the hashes of its 16 KiB blocks (the last
// block may be short), the leaf layer padded to a power of two with zero hashes. A file's piece
// hashes are the layer whose nodes each cover one piece; padding nodes at that layer are roots of
// all-zero-leaf subtrees. A file of one piece has no layer of its own: its piece is checked against
// the root directly (its leaves padded only to the next power of two, not to a whole piece).
// An empty file (BEP 52 gives it no root) has the SHA-256 of no bytes as its id: the hash of the
// one empty block it is made of.
import { hash } from 'node:crypto';
import { hashLeavesInto, LEAF_BYTES } from './leaf-hasher.js';
import { hashPairsInto } from './pair-hasher.js';

export const BLOCK_SIZE = LEAF_BYTES;
export const HASH_BYTES = 32;
/** The id of the empty file: the leaf hash of its one empty block. */
export const EMPTY_FILE_ID = hash('sha256', new Uint8Array(0), 'hex');

const ZERO_LEAF = Buffer.alloc(HASH_BYTES);
/** padHashes[h] is the root of 2^h zero leaves. 2^40 leaves is 16 PiB: far past any file. */
const padHashes: Buffer[] = [ZERO_LEAF];
for (let h = 1; h <= 40; h++) padHashes.push(hashPair(padHashes[h - 1]!, padHashes[h - 1]!));

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The root of a subtree of 2^height all-zero leaves. */
function padHash(height: number): Buffer {
  const pad = padHashes[height];
  if (!pad) throw new RangeError(`no tree is ${height} layers high`);
  return pad;
}

function hashPair(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([left, right], 2 * HASH_BYTES), 'buffer');
}


/**
 * The root over `count` nodes (concatenated 32-byte hashes in `nodes`) at tree height `height`,
 * padded to `width` (a power of two, at least count) with roots of zero subtrees of that height.
 * Each layer is hashed in one batch (pair-hasher.ts).
 */
function rootOfLayer(nodes: Uint8Array, count: number, width: number, height = 0): Buffer {
  if (count > width || width !== nextPowerOfTwo(width) || nodes.length < count * HASH_BYTES) throw new RangeError('a layer must fit its width');
  if (count === 0) return padHash(height + Math.log2(width));
  let n = count;
  let h = height;
  let layer = Buffer.from(nodes.subarray(0, n * HASH_BYTES));
  for (let w = width; w > 1; w /= 2) {
    if (n % 2 === 1) {
      layer = Buffer.concat([layer.subarray(0, n * HASH_BYTES), padHash(h)]);
      n++;
    }
    // A fresh output: a batched native hasher may read several pairs before it writes.
    const next = Buffer.allocUnsafe((n / 2) * HASH_BYTES);
    hashPairsInto(layer.subarray(0, n * HASH_BYTES), next);
    layer = next;
    n /= 2;
    h++;
  }
  return Buffer.from(layer.subarray(0, HASH_BYTES));
}

/** How many leaves one piece's subtree has: a whole piece's, or for a one-piece file, its own blocks rounded up to a power of two. */
export function leavesPerPiece(size: number, pieceSize: number): number {
  if (size > pieceSize) return pieceSize / BLOCK_SIZE;
  return nextPowerOfTwo(Math.max(1, Math.ceil(size / BLOCK_SIZE)));
}

/**
 * The node of one piece's bytes: the root of its block hashes padded to `leaves` (leavesPerPiece).
 * One SHA-256 per byte plus ~1/256 for the inner nodes.
 */
export function pieceRoot(data: Uint8Array, leaves: number): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK_SIZE));
  if (blocks > leaves) throw new RangeError('the piece is larger than its subtree');
  const hashes = Buffer.allocUnsafe(blocks * HASH_BYTES);
  hashLeavesInto(data, hashes);
  return rootOfLayer(hashes, blocks, leaves);
}

/**
 * The file id a piece layer proves (BEP 52: the layer padded to a power of two with the roots of
 * zero subtrees one piece high). For a one-piece file, its single "layer" node is the root itself.
 */
export function rootFromPieceLayer(layer: Uint8Array, pieceCount: number, pieceSize: number): Buffer {
  if (pieceCount <= 1) return Buffer.from(layer.subarray(0, HASH_BYTES));
  return rootOfLayer(layer, pieceCount, nextPowerOfTwo(pieceCount), Math.log2(pieceSize / BLOCK_SIZE));
}

/**
 * Builds a file's id and piece layer from its bytes in order, in any chunk sizes. Blocks that
 * arrive whole are hashed straight from the caller's buffer, as many at once as the current piece
 * has room for (one native call: leaf-hasher.ts); only a block split across chunks is copied.
 * Given a `start` (a multiple of the piece size), it takes the bytes from there on and gives the
 * nodes of the pieces they make (finishPart): pieces are independent subtrees, so parts of one
 * big file can be hashed in several threads at once and their nodes joined into the layer.
 */
export class TreeBuilder {
  private readonly leaves: number;
  private readonly pieceLeaves: Buffer;
  private readonly layer: Buffer;
  /**
   * A block split across chunks, made on first need: a file read in one chunk (most files) has
   * none, and 16 KiB made per file was a fresh ArrayBuffer each, a fifth of a hash worker's
   * garbage while indexing small files.
   */
  private carry: Buffer | undefined;
  private carried = 0;
  private leafCount = 0; // leaves of the current piece
  private pieceIndex: number;
  private fed: number;

  private readonly firstPiece: number;

  constructor(private readonly size: number, private readonly pieceSize: number, start = 0) {
    if (pieceSize % BLOCK_SIZE !== 0 || pieceSize !== nextPowerOfTwo(pieceSize)) throw new RangeError('a piece is a power of two of at least 16 KiB');
    if (start < 0 || start % pieceSize !== 0 || (start > 0 && start >= size)) throw new RangeError('a part starts at a piece inside the file');
    this.leaves = leavesPerPiece(size, pieceSize);
    this.pieceLeaves = Buffer.allocUnsafe(this.leaves * HASH_BYTES);
    this.layer = Buffer.alloc(Math.max(1, Math.ceil(size / pieceSize)) * HASH_BYTES);
    this.fed = start;
    this.firstPiece = this.pieceIndex = start / pieceSize;
  }

  update(chunk: Uint8Array): void {
    let offset = 0;
    this.fed += chunk.length;
    if (this.fed > this.size) throw new RangeError('more bytes than the file has');
    if (this.carry && this.carried > 0) {
      const take = Math.min(BLOCK_SIZE - this.carried, chunk.length);
      this.carry.set(chunk.subarray(0, take), this.carried);
      this.carried += take;
      offset = take;
      if (this.carried < BLOCK_SIZE) return;
      this.addLeaf(this.carry);
      this.carried = 0;
    }
    const perPiece = this.pieceSize / BLOCK_SIZE;
    while (chunk.length - offset >= BLOCK_SIZE) {
      const blocks = Math.min(Math.floor((chunk.length - offset) / BLOCK_SIZE), perPiece - this.leafCount);
      hashLeavesInto(chunk.subarray(offset, offset + blocks * BLOCK_SIZE), this.pieceLeaves.subarray(this.leafCount * HASH_BYTES));
      offset += blocks * BLOCK_SIZE;
      this.leafCount += blocks;
      if (this.leafCount === perPiece) this.closePiece();
    }
    if (offset === chunk.length) return;
    if (this.fed === this.size) {
      this.addLeaf(chunk.subarray(offset)); // the file's last, short block: hashed where it is
    } else {
      this.carry ??= Buffer.allocUnsafe(BLOCK_SIZE);
      this.carry.set(chunk.subarray(offset), 0);
      this.carried = chunk.length - offset;
    }
  }

  /** The id and the piece layer (one node for a one-piece file: the id). */
  finish(): { root: Buffer; layer: Buffer } {
    if (this.fed !== this.size || this.firstPiece !== 0) throw new RangeError(`fed ${this.fed} of ${this.size} bytes, from piece ${this.firstPiece}`);
    this.closeLast();
    const pieceCount = this.layer.length / HASH_BYTES;
    const root = rootFromPieceLayer(this.layer, pieceCount, this.pieceSize);
    return { root, layer: this.size === 0 ? Buffer.alloc(0) : this.layer };
  }

  /** The nodes of the pieces fed since `start`: the bytes fed must end at a piece boundary or at the file's end. */
  finishPart(): Buffer {
    if (this.fed !== this.size && (this.fed % this.pieceSize !== 0 || this.carried > 0)) throw new RangeError(`a part ends at a piece boundary or at the end, not at ${this.fed}`);
    this.closeLast();
    // A buffer of its own (not from Node's shared pool), so a worker can hand it over as is.
    const nodes = Buffer.allocUnsafeSlow((this.pieceIndex - this.firstPiece) * HASH_BYTES);
    this.layer.copy(nodes, 0, this.firstPiece * HASH_BYTES, this.pieceIndex * HASH_BYTES);
    return nodes;
  }

  /** Hashes what is left of the last piece (the empty file's one empty block, a short last block). */
  private closeLast(): void {
    if (this.size === 0) this.addLeaf(new Uint8Array(0));
    else if (this.carry && this.carried > 0) this.addLeaf(this.carry.subarray(0, this.carried));
    if (this.leafCount > 0) this.closePiece();
  }

  private addLeaf(block: Uint8Array): void {
    hashLeavesInto(block, this.pieceLeaves.subarray(this.leafCount * HASH_BYTES));
    if (++this.leafCount === this.pieceSize / BLOCK_SIZE) this.closePiece();
  }

  private closePiece(): void {
    rootOfLayer(this.pieceLeaves, this.leafCount, this.leaves).copy(this.layer, this.pieceIndex * HASH_BYTES);
    this.pieceIndex++;
    this.leafCount = 0;
  }
}
