// BEP 52's hash tree written the plain, slow way, independently of src-main's merkle-tree.ts, so
// tests can tell what a file's id and piece layer must be: 16 KiB leaves padded with zero hashes
// to a power of two, reduced pair by pair; the piece layer is the level whose nodes each cover one
// piece (a one-piece file has none: its root stands for it, and an empty file's id is the SHA-256
// of no bytes).
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { sha256Bytes } from './sha256.js';

const BLOCK = 16 * 1024;

export function referenceTree(content: Buffer, pieceSize = pieceSizeFor(content.length)): { root: string; layer: string[] } {
  let level: Buffer[] = [];
  for (let at = 0; at < Math.max(1, content.length); at += BLOCK) level.push(sha256Bytes(content.subarray(at, at + BLOCK)));
  let width = 1;
  while (width < level.length) width *= 2;
  while (level.length < width) level.push(Buffer.alloc(32));
  const pieces = Math.ceil(content.length / pieceSize);
  let layer: string[] = [];
  let covered = BLOCK;
  while (level.length > 1) {
    if (covered === pieceSize) layer = level.slice(0, pieces).map((h) => h.toString('hex'));
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256Bytes(Buffer.concat([level[i]!, level[i + 1]!])));
    level = next;
    covered *= 2;
  }
  const root = level[0]!.toString('hex');
  return { root, layer: pieces > 1 ? layer : pieces === 1 ? [root] : [] };
}

/** The Shoal file id of some content: its tree's root. */
export function fileIdOf(content: Buffer | string): string {
  return referenceTree(Buffer.from(content)).root;
}
