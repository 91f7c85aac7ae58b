// A file's piece list (the piece layer of its hash tree), asked of its sources a few at a time
// until one sends a list that proves to be the file's (piece-layer-proof.ts). A proven list is the
// only one there is, so there is nothing to vote on, and a source that sent another was lying: it
// is named in the problem, never the sources that told the truth. A file of one piece has no list:
// its id is its piece's hash.
import { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import { pieceCountFor, pieceSizeFor } from '../../../src-shared/piece-size.js';
import { EMPTY_FILE_ID } from '../hashing/merkle-tree.js';
import { pieceListProves } from '../hashing/piece-layer-proof.js';
import { attempt, nodeApiClient } from '../net/contract-transport.js';
import type { NodeDialer } from '../net/node-dialer.js';
import type { SourceRef } from './source-finder.js';

export interface PieceList {
  pieceSize: number;
  hashes: Buffer; // piece count x 32 bytes
}

const ASK_AT_ONCE = 3;
const TIMEOUT_MS = 8_000;
/** One hex hash in the JSON answer, with quotes and a comma; plus room for the rest of the answer. */
const JSON_BYTES_PER_PIECE = 64 + 3;
const JSON_OVERHEAD = 4096;

/** `dialer`: over TLS to each source's node id when encryption is on; plain HTTP without one. */
export async function fetchPieceList(fileId: string, size: number, sources: readonly SourceRef[], signal?: AbortSignal, dialer?: NodeDialer): Promise<PieceList | { problem: string }> {
  const pieceSize = pieceSizeFor(size);
  const count = pieceCountFor(size, pieceSize);
  // A file of one piece is checked against its id; an empty one has nothing to check, so the size
  // someone claimed is believed only for the empty file's own id.
  if (count === 0) return fileId === EMPTY_FILE_ID ? { pieceSize, hashes: Buffer.alloc(0) } : { problem: 'the file is said to be empty, but that is not the empty file\'s id' };
  if (count === 1) return { pieceSize, hashes: Buffer.from(fileId, 'hex') };
  const problems: string[] = [];
  const api = nodeApiClient(peerRoutes, dialer);
  // Every source is tried, a few at once: refusers answer fast, so they cost little.
  for (let at = 0; at < sources.length && !signal?.aborted; at += ASK_AT_ONCE) {
    const answers = await Promise.all(sources.slice(at, at + ASK_AT_ONCE).map(async (source) => {
      const host = new URL(source.url).host;
      const answer = await attempt(api.getPieces({ params: { fileId } }, {
        address: new URL(source.url).origin, expected: source.peerId ? { node: source.peerId } : 'any',
        timeoutMs: TIMEOUT_MS, signal, maxBytes: count * JSON_BYTES_PER_PIECE + JSON_OVERHEAD,
      }));
      if (!answer.ok) return { problem: answer.error.message };
      if (!pieceListProves(answer.value, fileId, size)) return { problem: `${host} sent a piece list that is not this file's` };
      return { hashes: Buffer.from(answer.value.pieces.join(''), 'hex') };
    }));
    for (const a of answers) if (a.hashes) return { pieceSize, hashes: a.hashes };
    for (const a of answers) if (a.problem) problems.push(a.problem);
  }
  return { problem: problems.join('; ') || 'no source sent its piece list' };
}
