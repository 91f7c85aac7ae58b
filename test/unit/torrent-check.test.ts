// What `shoal torrent` saves must be the torrent of the id asked for: a v2 torrent of one file whose
// pieces root is the id and whose piece layer proves it. Anything else is refused, with a reason.
import { randomBytes } from 'node:crypto';
import bencode from 'bencode';
import { describe, expect, it } from 'vitest';
import { TreeBuilder } from '../../src-main/core/hashing/merkle-tree.js';
import { checkTorrent } from '../../src-main/core/torrent/torrent-check.js';
import { buildTorrent, PieceLayerMismatchError, type TorrentInput } from '../../src-main/core/torrent/torrent-file.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';

function describeFile(size: number): TorrentInput {
  const data = randomBytes(size);
  const builder = new TreeBuilder(size, pieceSizeFor(size));
  builder.update(data);
  const { root, layer } = builder.finish();
  const pieces = Array.from({ length: layer.length / 32 }, (_, i) => layer.toString('hex', i * 32, (i + 1) * 32));
  return { fileId: root.toString('hex'), name: 'film.mkv', size, pieceSize: pieceSizeFor(size), pieces, webSeeds: ['http://127.0.0.1:9001/api/v1/download/x'] };
}

describe('checkTorrent', () => {
  it('accepts the torrent of the id, of several pieces or of one', () => {
    for (const size of [5 * 256 * 1024 + 3, 1000]) {
      const file = describeFile(size);
      expect(checkTorrent(buildTorrent(file), file.fileId)).toEqual({ name: 'film.mkv', size, pieceSize: 256 * 1024, webSeeds: ['http://127.0.0.1:9001/api/v1/download/x/'] });
    }
  });

  it('refuses a torrent of other content, a forged layer, and what is not a v2 torrent', () => {
    const file = describeFile(3 * 256 * 1024);
    const other = describeFile(3 * 256 * 1024);
    expect(() => checkTorrent(buildTorrent(other), file.fileId)).toThrow(/other content/);
    // A layer that does not prove the root, with the root in place (built by hand: buildTorrent would refuse).
    const torrent = bencode.decode(buildTorrent(file)) as Record<string, unknown>;
    torrent['piece layers'] = new Map([[Buffer.from(file.fileId, 'hex'), randomBytes(3 * 32)]]);
    expect(() => checkTorrent(bencode.encode(torrent as never), file.fileId)).toThrow(PieceLayerMismatchError);
    expect(() => checkTorrent(Buffer.from('{"error":{}}'), file.fileId)).toThrow(/not a bencoded torrent/);
    expect(() => checkTorrent(bencode.encode({ info: { name: 'x', 'piece length': 16384, pieces: new Uint8Array(20), length: 1 } }), file.fileId)).toThrow(/not a BitTorrent v2/);
  });
});
