// docs/architecture.md ("File ids: a hash tree"): a file's pieces are a power of two between 256 KiB and 16 MiB, chosen so a file has
// at most about 2,000 of them. Both the hasher and (later) the downloader derive it from the size.

export const MIN_PIECE_SIZE = 256 * 1024;
export const MAX_PIECE_SIZE = 16 * 1024 * 1024;
export const TARGET_MAX_PIECES = 2000;

export function pieceSizeFor(fileSize: number): number {
  let size = MIN_PIECE_SIZE;
  while (size < MAX_PIECE_SIZE && size * TARGET_MAX_PIECES < fileSize) size *= 2;
  return size;
}

export function pieceCountFor(fileSize: number, pieceSize: number): number {
  return Math.ceil(fileSize / pieceSize);
}
