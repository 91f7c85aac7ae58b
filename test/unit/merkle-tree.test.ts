// Known answers for the BEP 52 tree, from an implementation no one here wrote: libtorrent's
// create_torrent (v2 only) over the same bytes must give the same pieces root, and for files of
// several pieces the same piece layer.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TreeBuilder } from '../../src-main/core/hashing/merkle-tree.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { hasLibtorrent, libtorrentCreate, LIBTORRENT_MISSING, skipLibtorrent } from '../support/libtorrent.js';
import { makeTempDir } from '../support/temp-dir.js';

const KIB = 1024;
const PIECE = 256 * KIB;
const SIZES = [
  ['an empty file', 0],
  ['one byte', 1],
  ['a block less one byte', 16 * KIB - 1],
  ['exactly one block', 16 * KIB],
  ['a block and one byte', 16 * KIB + 1],
  ['exactly one piece', PIECE],
  ['a piece and one byte', PIECE + 1],
  ['5 pieces and 3 bytes (the piece layer padded to 8)', 5 * PIECE + 3],
] as const;

/** The tree fed in chunks that straddle blocks, as a file read hands them over. */
function tree(data: Buffer): { root: string; layer: string } {
  const builder = new TreeBuilder(data.length, pieceSizeFor(data.length));
  for (let at = 0; at < data.length; at += 10_007) builder.update(data.subarray(at, at + 10_007));
  const { root, layer } = builder.finish();
  return { root: root.toString('hex'), layer: layer.toString('hex') };
}

let dir: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await dir.remove();
});

describe('the BEP 52 tree against libtorrent', () => {
  it('gives an empty file the SHA-256 of no bytes as its id (BEP 52 has none)', () => {
    expect(tree(Buffer.alloc(0)).root).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'); // SHA-256 of no bytes
  });

  it.skipIf(skipLibtorrent).each(SIZES)('%s: the same pieces root, and the same piece layer', async (_label, size) => {
    if (!hasLibtorrent) throw new Error(LIBTORRENT_MISSING);
    const data = randomBytes(size);
    const path = join(dir.path, `file-${size}.bin`);
    await writeFile(path, data);
    const ours = tree(data);
    const theirs = await libtorrentCreate(path, pieceSizeFor(size));
    if (size === 0) {
      // libtorrent makes no torrent of one empty file ("invalid length of torrent"): nothing to compare.
      expect(theirs.root ?? null).toBeNull();
      return;
    }
    expect(theirs.error).toBeNull();
    expect(ours.root).toBe(theirs.root);
    if (size > PIECE) {
      expect(ours.layer).toBe(theirs.layer);
    } else {
      // One piece: no layer in the torrent; the root is checked directly.
      expect(theirs.layer).toBeNull();
      expect(ours.layer).toBe(ours.root);
    }
  });
});
