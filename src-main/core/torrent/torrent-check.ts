// Whether a .torrent another node sent describes the file asked for: a v2 torrent of one file whose
// pieces root is the file id, with a piece layer that proves it. An index that answers a torrent of
// other content (or a layer a client would reject piece by piece) is caught before it is saved.
import bencode from 'bencode';
import { pieceCountFor } from '../../../src-shared/piece-size.js';
import { buildTorrent, PieceLayerMismatchError } from './torrent-file.js';

export interface CheckedTorrent { name: string; size: number; pieceSize: number; webSeeds: string[] }

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
const text = (v: unknown): string | undefined => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : undefined);

/** The torrent's file, or a PieceLayerMismatchError saying what is wrong with it. */
export function checkTorrent(bytes: Uint8Array, fileId: string): CheckedTorrent {
  let torrent: unknown;
  try {
    torrent = bencode.decode(bytes);
  } catch {
    throw new PieceLayerMismatchError('the answer is not a bencoded torrent');
  }
  if (!isDict(torrent) || !isDict(torrent.info)) throw new PieceLayerMismatchError('the torrent has no info dictionary');
  const info = torrent.info;
  const name = text(info.name);
  const pieceSize = info['piece length'];
  if (info['meta version'] !== 2 || name === undefined || typeof pieceSize !== 'number') throw new PieceLayerMismatchError('not a BitTorrent v2 torrent');
  const tree = info['file tree'];
  const entries = isDict(tree) ? Object.values(tree) : [];
  const file = entries.length === 1 && isDict(entries[0]) ? entries[0][''] : undefined;
  if (!isDict(file) || typeof file.length !== 'number' || !Number.isSafeInteger(file.length) || file.length < 0) throw new PieceLayerMismatchError('the torrent is not of one file');
  const root = file['pieces root'];
  if (file.length > 0 && !(root instanceof Uint8Array && Buffer.from(root).toString('hex') === fileId)) {
    throw new PieceLayerMismatchError('the torrent is of other content (its pieces root is not the file id)');
  }
  const size = file.length;
  const pieces = pieceCountFor(size, pieceSize) > 1 ? layerOf(torrent['piece layers'], fileId) : size > 0 ? [fileId] : [];
  const webSeeds = (Array.isArray(torrent['url-list']) ? torrent['url-list'] : [torrent['url-list']]).map(text).filter((u): u is string => u !== undefined);
  buildTorrent({ fileId, name, size, pieceSize, pieces, webSeeds }); // throws unless the layer proves the id
  return { name, size, pieceSize, webSeeds };
}

/** The layer keyed by the root: the decoder gives a key that is not UTF-8 as hex, one that is as text. */
function layerOf(layers: unknown, fileId: string): string[] {
  if (!isDict(layers)) return [];
  const root = Buffer.from(fileId, 'hex');
  const key = Object.keys(layers).find((k) => k === fileId || Buffer.from(k, 'utf8').equals(root));
  const layer = key === undefined ? undefined : layers[key];
  if (!(layer instanceof Uint8Array) || layer.length % 32 !== 0) return [];
  const hex = Buffer.from(layer).toString('hex');
  return Array.from({ length: layer.length / 32 }, (_, i) => hex.slice(i * 64, (i + 1) * 64));
}
