// A big file is hashed in parts, one per worker at a time, instead of by one worker alone: its
// pieces are independent subtrees of the hash tree (merkle-tree.ts), so each part gives its slice
// of the piece layer and the root is built from the joined layer. Sharing one 4 GiB video then
// takes about 1/N of the time on N cores (libtorrent hashes a torrent's pieces in several threads
// for the same reason). Small files gain nothing: they are already hashed side by side.
import { pieceSizeFor } from '../../../src-shared/piece-size.js';
import { FileChangedWhileHashingError } from './hash-errors.js';
import { rootFromPieceLayer } from './merkle-tree.js';
import type { FilePart, HashResult, PartResult } from './file-hasher.js';

/** A file smaller than this is hashed whole, by one worker. */
export const SPLIT_MIN_BYTES = 64 * 1024 * 1024;
/** The most a part holds: a huge file makes more parts than workers, so an idle worker can take the next. */
const MAX_PART_BYTES = 256 * 1024 * 1024;

/**
 * The parts to hash `size` bytes in with `workers` workers, each at most about `maxPartBytes`;
 * none (hash it whole) when it is under `minBytes`.
 */
export function planParts(size: number, workers: number, minBytes = SPLIT_MIN_BYTES, maxPartBytes = MAX_PART_BYTES): FilePart[] {
  if (workers < 2 || size < minBytes || size <= pieceSizeFor(size)) return [];
  const pieceSize = pieceSizeFor(size);
  const pieces = Math.ceil(size / pieceSize);
  const count = Math.max(workers, Math.ceil(size / maxPartBytes));
  const perPart = Math.ceil(pieces / count);
  const parts: FilePart[] = [];
  for (let first = 0; first < pieces; first += perPart) {
    parts.push({ start: first * pieceSize, end: Math.min(size, (first + perPart) * pieceSize), fileSize: size });
  }
  return parts;
}

/** The whole file's result from its parts' (in order), if they all saw the same file. */
export function joinParts(path: string, size: number, parts: readonly PartResult[]): HashResult {
  const [first] = parts;
  if (!first) throw new RangeError('no parts to join');
  if (parts.some((p) => p.ino !== first.ino || p.mtimeMs !== first.mtimeMs)) throw new FileChangedWhileHashingError(path, 'modified while its parts were hashed');
  const pieceSize = pieceSizeFor(size);
  const layer = Buffer.concat(parts.map((p) => p.nodes));
  const pieceCount = Math.ceil(size / pieceSize);
  if (layer.length !== pieceCount * 32) throw new RangeError(`the parts hold ${layer.length / 32} of ${pieceCount} pieces`);
  const root = rootFromPieceLayer(layer, pieceCount, pieceSize);
  return { id: root.toString('hex'), size, pieceSize, pieceHashes: layer, magic: first.magic, mtimeMs: first.mtimeMs, ino: first.ino };
}
