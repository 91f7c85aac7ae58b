// The v2-only .torrent of a Shoal file: its info dictionary is the one libtorrent makes of the
// same bytes (same v2 info-hash), and a piece layer that does not prove the id never goes in.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import bencode from 'bencode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TreeBuilder } from '../../src-main/core/hashing/merkle-tree.js';
import { EMPTY_FILE_ID } from '../../src-main/core/hashing/merkle-tree.js';
import { buildTorrent, PieceLayerMismatchError, torrentFileName, type TorrentInput } from '../../src-main/core/torrent/torrent-file.js';
import { pieceSizeFor } from '../../src-shared/piece-size.js';
import { hasLibtorrent, libtorrentCreate, LIBTORRENT_MISSING, skipLibtorrent } from '../support/libtorrent.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sha256 } from '../support/sha256.js';

const PIECE = 256 * 1024;
const SEED = 'http://127.0.0.1:9001/api/v1/download/';

/** A file as Shoal describes it: id, piece size and piece layer (hex, as GET /files/{id}/pieces answers). */
function describeFile(data: Buffer, name: string): TorrentInput {
  const pieceSize = pieceSizeFor(data.length);
  const builder = new TreeBuilder(data.length, pieceSize);
  builder.update(data);
  const { root, layer } = builder.finish();
  const pieces: string[] = [];
  for (let i = 0; i < layer.length; i += 32) pieces.push(layer.toString('hex', i, i + 32));
  const fileId = root.toString('hex');
  return { fileId, name, size: data.length, pieceSize, pieces, webSeeds: [SEED + fileId] };
}

interface Decoded {
  info: { 'file tree': Record<string, { '': { length: number; 'pieces root'?: Uint8Array } }>; 'meta version': number; name: Uint8Array; 'piece length': number };
  'piece layers': Record<string, Uint8Array>;
  'url-list'?: Uint8Array[];
}
const decode = (torrent: Uint8Array) => bencode.decode(torrent) as Decoded;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const infoHash = (torrent: Uint8Array) => sha256(bencode.encode(decode(torrent).info as never));

let dir: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await dir.remove();
});

describe('buildTorrent', () => {
  it('writes a v2-only torrent: file tree with pieces root and length, piece layers, web seeds', () => {
    const file = describeFile(randomBytes(5 * PIECE + 3), 'holiday.mkv');
    const torrent = Buffer.from(buildTorrent(file));
    const t = decode(torrent);
    expect(t.info['meta version']).toBe(2);
    expect(text(t.info.name)).toBe('holiday.mkv');
    expect(t.info['piece length']).toBe(PIECE);
    const entry = t.info['file tree']['holiday.mkv']![''];
    expect(entry.length).toBe(5 * PIECE + 3);
    expect(Buffer.from(entry['pieces root']!).toString('hex')).toBe(file.fileId);
    expect('pieces' in t.info).toBe(false); // no v1 part
    // One entry keyed by the root's 32 raw bytes (the decoder would show such a key as hex, or as text).
    const layer = Buffer.from(file.pieces.join(''), 'hex');
    const layers = Buffer.concat([Buffer.from('12:piece layersd32:'), Buffer.from(file.fileId, 'hex'), Buffer.from(`${layer.length}:`), layer, Buffer.from('e')]);
    expect(torrent.includes(layers)).toBe(true);
    expect(Object.keys(t['piece layers'])).toHaveLength(1);
    expect(t['url-list']!.map(text)).toEqual([`${SEED}${file.fileId}/`]); // a folder-style seed: libtorrent appends the name
  });

  it('has no piece layer for a file of one piece, and no pieces root for an empty file', () => {
    const one = describeFile(randomBytes(PIECE), 'one.bin');
    expect(one.pieces).toEqual([one.fileId]);
    expect(Object.keys(decode(buildTorrent(one))['piece layers'])).toEqual([]);
    const empty = decode(buildTorrent({ fileId: EMPTY_FILE_ID, name: 'empty.txt', size: 0, pieceSize: PIECE, pieces: [], webSeeds: [] }));
    expect(empty.info['file tree']['empty.txt']).toEqual({ '': { length: 0 } });
    expect(empty['url-list']).toBeUndefined();
  });

  it('refuses a piece layer that does not add up to the id, and a list that does not fit the file', () => {
    const file = describeFile(randomBytes(3 * PIECE), 'a.bin');
    const forged = [...file.pieces];
    forged[1] = 'ab'.repeat(32);
    expect(() => buildTorrent({ ...file, pieces: forged })).toThrow(PieceLayerMismatchError);
    expect(() => buildTorrent({ ...file, pieces: file.pieces.slice(0, 2) })).toThrow(PieceLayerMismatchError);
    expect(() => buildTorrent({ ...file, fileId: 'cd'.repeat(32) })).toThrow(PieceLayerMismatchError);
    expect(() => buildTorrent({ ...file, pieceSize: PIECE + 1 })).toThrow(PieceLayerMismatchError);
    const one = describeFile(randomBytes(1000), 'b.bin');
    expect(() => buildTorrent({ ...one, pieces: ['ef'.repeat(32)] })).toThrow(PieceLayerMismatchError);
    expect(() => buildTorrent({ fileId: 'ab'.repeat(32), name: 'e', size: 0, pieceSize: PIECE, pieces: [], webSeeds: [] })).toThrow(PieceLayerMismatchError);
  });

  it('keeps only http(s) web seeds without a query, each once and ending in /, and a name that is a plain file name', () => {
    const file = describeFile(randomBytes(100), '../../etc/pass\u0001wd');
    const t = decode(buildTorrent({ ...file, webSeeds: ['http://a:1/x', 'http://a:1/x/', 'file:///etc/passwd', 'not a url', 'http://c/?q=1', 'https://b/y'] }));
    expect(t['url-list']!.map(text)).toEqual(['http://a:1/x/', 'https://b/y/']);
    expect(text(t.info.name)).toBe('pass_wd');
    expect(Object.keys(t.info['file tree'])).toEqual(['pass_wd']);
    expect(torrentFileName('..', file.fileId)).toBe(`${file.fileId}.torrent`);
  });

  it.skipIf(skipLibtorrent)('has the info dictionary libtorrent makes of the same bytes (same v2 info-hash)', async () => {
    if (!hasLibtorrent) throw new Error(LIBTORRENT_MISSING);
    for (const size of [1000, PIECE, 5 * PIECE + 3]) {
      const data = randomBytes(size);
      await writeFile(join(dir.path, 'same.bin'), data);
      const theirs = await libtorrentCreate(join(dir.path, 'same.bin'), pieceSizeFor(size));
      expect(infoHash(buildTorrent(describeFile(data, 'same.bin')))).toBe(theirs.infoHash);
    }
  });
});
