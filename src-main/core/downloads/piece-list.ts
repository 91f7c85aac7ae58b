// A file's piece hashes, asked of up to three sources at once. A list must fit the file
// (piece-list-fit.ts); when sources disagree, most of them win. A lying
// list cannot slip through anyway: the whole-file hash is checked before completion.
import { piecesSchema } from '../../../src-shared/api/library.js';
import { pieceListFits } from '../../../src-shared/piece-list-fit.js';
import { getJson } from './get-json.js';
import type { SourceRef } from './source-finder.js';

export interface PieceList {
  pieceSize: number;
  hashes: Buffer; // piece count x 32 bytes
}

const ASK_AT_ONCE = 3;
const TIMEOUT_MS = 8_000;

export function piecesUrl(downloadUrl: string, fileId: string): string {
  return `${new URL(downloadUrl).origin}/api/v1/files/${fileId}/pieces`;
}

export async function fetchPieceList(fileId: string, size: number, sources: readonly SourceRef[], signal?: AbortSignal): Promise<PieceList | { problem: string }> {
  const answers = await Promise.all(sources.slice(0, ASK_AT_ONCE).map(async (source): Promise<{ list: PieceList } | { problem: string }> => {
    const answer = await getJson(piecesUrl(source.url, fileId), piecesSchema, TIMEOUT_MS, signal);
    if (!answer.ok) return { problem: answer.reason };
    const list = answer.value;
    if (!pieceListFits(list, fileId, size)) return { problem: `${new URL(source.url).host} sent a piece list that does not fit the file` };
    return { list: { pieceSize: list.pieceSize, hashes: Buffer.from(list.pieces.join(''), 'hex') } };
  }));
  const votes = new Map<string, { list: PieceList; count: number }>();
  for (const a of answers) {
    if (!('list' in a)) continue;
    const key = a.list.hashes.toString('base64');
    const vote = votes.get(key);
    if (vote) vote.count++;
    else votes.set(key, { list: a.list, count: 1 });
  }
  const best = [...votes.values()].sort((x, y) => y.count - x.count)[0];
  if (best) return best.list;
  return { problem: answers.map((a) => ('problem' in a ? a.problem : '')).filter(Boolean).join('; ') || 'no source sent its piece list' };
}
