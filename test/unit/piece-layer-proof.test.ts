// Whether a piece list (or a claimed size) may be believed for a file id.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fetchPieceList } from '../../src-main/core/downloads/piece-list.js';
import { pieceListProves } from '../../src-main/core/hashing/piece-layer-proof.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { referenceTree } from '../support/reference-tree.js';

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('piece list proofs', () => {
  it('believes a layer only when its root is the id', () => {
    const content = randomBytes(700_000);
    const { root, layer } = referenceTree(content);
    const list = { id: root, size: content.length, pieceSize: pieceSizeFor(content.length), pieces: layer };
    expect(pieceListProves(list, root, content.length)).toBe(true);
    expect(pieceListProves({ ...list, pieces: [layer[1]!, layer[0]!, layer[2]!] }, root, content.length)).toBe(false);
  });

  it('believes a size of 0 only for the empty file\u2019s id: "empty" is never a way to finish a real file', async () => {
    const realId = referenceTree(randomBytes(1000)).root;
    expect(pieceListProves({ id: realId, size: 0, pieceSize: pieceSizeFor(0), pieces: [] }, realId, 0)).toBe(false);
    expect(pieceListProves({ id: EMPTY, size: 0, pieceSize: pieceSizeFor(0), pieces: [] }, EMPTY, 0)).toBe(true);
    expect(await fetchPieceList(realId, 0, [])).toMatchObject({ problem: expect.stringMatching(/not the empty file/) });
    expect(await fetchPieceList(EMPTY, 0, [])).toMatchObject({ hashes: Buffer.alloc(0) });
  });
});
