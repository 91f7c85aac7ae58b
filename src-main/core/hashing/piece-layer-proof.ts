// Whether a piece list another node sent belongs to the file it claims: the same id and size, the
// piece size src-shared/piece-size.ts derives from the size, the right count, and a layer whose tree root is the
// id (for a file of one piece, the list is the id itself). Checked before any byte is requested,
// so a lying peer cannot even start a download, let alone blame the sources that told the truth.
import type { Pieces } from '../../../src-shared/api/library.js';
import { pieceCountFor, pieceSizeFor } from '../../../src-shared/piece-size.js';
import { EMPTY_FILE_ID, rootFromPieceLayer } from './merkle-tree.js';

export function pieceListProves(list: Pieces, fileId: string, size: number): boolean {
  const pieceSize = pieceSizeFor(size);
  const count = pieceCountFor(size, pieceSize);
  if (list.id !== fileId || list.size !== size || list.pieceSize !== pieceSize || list.pieces.length !== count) return false;
  // A size of 0 is a claim too: only one id is the empty file's.
  if (count === 0) return fileId === EMPTY_FILE_ID;
  if (count === 1) return list.pieces[0] === fileId;
  return rootFromPieceLayer(Buffer.from(list.pieces.join(''), 'hex'), count, pieceSize).toString('hex') === fileId;
}
