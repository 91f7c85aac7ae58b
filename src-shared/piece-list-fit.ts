// Whether a piece list another node sent fits the file it claims to describe: the same id and size,
// the piece size DESIGN.md derives from the size, the right count, and for a file of one piece a
// hash equal to the file id (the only piece hash a list can be checked against before download).
import type { Pieces } from './api/library.js';
import { pieceCountFor, pieceSizeFor } from './piece-size.js';

export function pieceListFits(list: Pieces, fileId: string, size: number): boolean {
  const pieceSize = pieceSizeFor(size);
  if (list.id !== fileId || list.size !== size || list.pieceSize !== pieceSize || list.pieces.length !== pieceCountFor(size, pieceSize)) return false;
  return list.pieces.length !== 1 || list.pieces[0] === fileId;
}
