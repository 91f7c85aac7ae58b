// A Shoal file as a BitTorrent v2 torrent (BEP 52), v2 only: a file's id is its `pieces root` and
// its piece hashes are the tree's piece layer, so the torrent costs no hashing. The sources'
// download addresses are BEP 19 web seeds (`url-list`), so any libtorrent 2.x client (qBittorrent,
// Deluge 2, …) downloads from Shoal peers over plain HTTP and checks every piece against the tree.
// The layer usually comes from another node: it must prove the id before it goes into a torrent,
// or a client would be handed hashes that contradict the file they name.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- bencode ships no types, and an untyped module cannot be typed by import; the reference brings them to every tsconfig that reaches this file
/// <reference path="./bencode.d.ts" />
import bencode, { type BencodeValue } from 'bencode';
import { BLOCK_SIZE, EMPTY_FILE_ID, HASH_BYTES, nextPowerOfTwo, rootFromPieceLayer } from '../hashing/merkle-tree.js';
import { pieceCountFor } from '../../../src-shared/piece-size.js';
import { safeFileName } from '../files/safe-file-name.js';

export const TORRENT_CONTENT_TYPE = 'application/x-bittorrent';
/** More web seeds than this only make the torrent bigger: a client uses a handful at once. */
export const MAX_WEB_SEEDS = 64;

export interface TorrentInput {
  fileId: string;
  name: string;
  size: number;
  pieceSize: number;
  /** The piece layer, lowercase hex, as `GET /files/{id}/pieces` answers (one piece: `[fileId]`). */
  pieces: readonly string[];
  /** Addresses of the file's bytes (`…/api/v1/download/{id}`), best first; they become folder-style seeds. */
  webSeeds: readonly string[];
}

/** The piece hashes do not add up to the file id (or do not fit the file): no torrent is made from them. */
export class PieceLayerMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PieceLayerMismatchError';
  }
}

export function buildTorrent(t: TorrentInput): Uint8Array {
  const layer = provenLayer(t);
  const name = torrentName(t.name, t.fileId);
  const file: Record<string, number | Uint8Array> = { length: t.size };
  if (t.size > 0) file['pieces root'] = Buffer.from(t.fileId, 'hex'); // BEP 52: none for an empty file
  const torrent: Record<string, BencodeValue> = {
    info: {
      'file tree': { [name]: { '': file } },
      'meta version': 2,
      name,
      'piece length': t.pieceSize,
    },
    // Keys are raw 32-byte roots, so a Map (an object's keys would be encoded as UTF-8 text).
    'piece layers': new Map(layer ? [[Buffer.from(t.fileId, 'hex'), layer]] : []),
    'created by': 'Shoal',
  };
  const seeds = webSeeds(t.webSeeds);
  if (seeds.length > 0) torrent['url-list'] = seeds;
  return bencode.encode(torrent);
}

/** `<name>.torrent`, a plain base name safe on every OS. */
export function torrentFileName(name: string, fileId: string): string {
  return `${torrentName(name, fileId)}.torrent`;
}

/**
 * The piece layer as bytes, once it proves the id; undefined when BEP 52 wants none (a file of at
 * most one piece, whose root is checked by the client directly).
 */
function provenLayer(t: TorrentInput): Buffer | undefined {
  if (!/^[0-9a-f]{64}$/.test(t.fileId)) throw new PieceLayerMismatchError('a file id is 64 lowercase hex digits');
  if (t.pieceSize < BLOCK_SIZE || t.pieceSize !== nextPowerOfTwo(t.pieceSize)) throw new PieceLayerMismatchError(`a piece length of ${t.pieceSize} is not a power of two of at least 16 KiB`);
  if (t.size === 0) {
    if (t.fileId !== EMPTY_FILE_ID) throw new PieceLayerMismatchError('an empty file has the SHA-256 of no bytes as its id');
    return undefined;
  }
  const count = pieceCountFor(t.size, t.pieceSize);
  if (t.pieces.length !== count) throw new PieceLayerMismatchError(`${t.pieces.length} piece hashes for a file of ${count} pieces`);
  if (!t.pieces.every((p) => /^[0-9a-f]{64}$/.test(p))) throw new PieceLayerMismatchError('a piece hash is 64 lowercase hex digits');
  const layer = Buffer.from(t.pieces.join(''), 'hex');
  if (!rootFromPieceLayer(layer, count, t.pieceSize).equals(Buffer.from(t.fileId, 'hex'))) {
    throw new PieceLayerMismatchError('the piece hashes do not add up to the file id');
  }
  return count > 1 ? layer.subarray(0, count * HASH_BYTES) : undefined;
}

/** BEP 52 path elements are single names; `safeFileName` also keeps them valid on every OS. */
function torrentName(name: string, fileId: string): string {
  return safeFileName(name, fileId);
}

/**
 * http(s) addresses only, each once, at most MAX_WEB_SEEDS, each ending in `/`. libtorrent 2 gives
 * every v2 torrent a tail pad file, so it treats each seed as a folder and asks for `<seed>/<file
 * name>` (a peer serves `/api/v1/download/{id}/{any name}`); with the `/` already there, clients
 * that follow BEP 19 for single-file torrents ask for the same address.
 */
function webSeeds(urls: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const url of urls) {
    if (seen.size >= MAX_WEB_SEEDS) break;
    try {
      const parsed = new URL(url);
      if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
      if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && !parsed.search) seen.add(parsed.href);
    } catch {
      // not a URL: no client could use it
    }
  }
  return [...seen];
}
