// Hashes one file in a single streaming pass: the whole-content SHA-256 (the file id) and the
// SHA-256 of every piece, plus the magic-byte mime of its first bytes. Never holds the file in
// memory. Meant to run inside a hash worker (hash-worker.ts), never on the main event loop.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import { pieceCountFor, pieceSizeFor } from '../../../src-shared/piece-size.js';

export interface HashResult {
  /** SHA-256 of the whole content, lowercase hex. */
  id: string;
  size: number;
  pieceSize: number;
  /** pieceCount * 32 bytes: the raw piece digests, concatenated in order. */
  pieceHashes: Buffer;
  /** From the magic bytes of the first 4100 bytes; null when they say nothing. */
  detectedMime: string | null;
  mtimeMs: number;
  ino: number;
}

export interface HashFileOptions {
  onProgress?: (hashedBytes: number) => void;
  signal?: AbortSignal;
  /** Read buffer size; defaults to READ_BUFFER_SIZE. Any size works (tests use odd ones to cross piece boundaries). */
  bufferSize?: number;
}

/** The file's size, mtime or inode changed while it was read: the caller should hash it again later. */
export class FileChangedWhileHashingError extends Error {
  readonly code = 'FILE_CHANGED';
  readonly path: string;

  constructor(path: string, detail?: string) {
    super(`${path} changed while it was being hashed${detail ? ` (${detail})` : ''}`);
    this.name = 'FileChangedWhileHashingError';
    this.path = path;
  }
}

/** Each of the two read buffers. 1-8 MiB measured the same (within noise); below 1 MiB is slower. */
export const READ_BUFFER_SIZE = 2 * 1024 * 1024;
/** file-type needs at most this many leading bytes. */
const MAGIC_BYTES = 4100;
const PROGRESS_EVERY = 8 * 1024 * 1024;
const DIGEST_BYTES = 32;

export async function hashFile(path: string, options: HashFileOptions = {}): Promise<HashResult> {
  const { onProgress, signal, bufferSize = READ_BUFFER_SIZE } = options;
  signal?.throwIfAborted();

  // Stat the path first: opening a FIFO or device for reading could block a libuv thread forever.
  const pathStat = await stat(path);
  if (!pathStat.isFile()) throw notAFile(path);

  const handle = await open(path, 'r');
  try {
    const before = await handle.stat();
    if (!before.isFile()) throw notAFile(path);
    if (before.ino !== pathStat.ino) throw new FileChangedWhileHashingError(path, 'replaced before it was opened');

    const size = before.size;
    const pieceSize = pieceSizeFor(size);
    const pieceCount = pieceCountFor(size, pieceSize);
    // Buffer.alloc (not allocUnsafe): never a slice of the shared pool, so its ArrayBuffer can be transferred.
    const pieceHashes = Buffer.alloc(pieceCount * DIGEST_BYTES);
    // A single piece's hash is the whole hash: hash once.
    const hashPieces = pieceCount > 1;

    const whole = createHash('sha256');
    let piece: Hash | null = hashPieces ? createHash('sha256') : null;
    let pieceIndex = 0;
    let pieceFilled = 0;

    const magic = Buffer.alloc(Math.min(MAGIC_BYTES, size));
    const consume = (chunk: Buffer, at: number) => {
      if (at < magic.length) chunk.copy(magic, at, 0, Math.min(chunk.length, magic.length - at));
      whole.update(chunk);
      if (!piece) return;
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(chunk.length - offset, pieceSize - pieceFilled);
        piece.update(chunk.subarray(offset, offset + take));
        offset += take;
        pieceFilled += take;
        if (pieceFilled === pieceSize) {
          piece.digest().copy(pieceHashes, pieceIndex * DIGEST_BYTES);
          pieceIndex++;
          pieceFilled = 0;
          piece = createHash('sha256');
        }
      }
    };

    // Two buffers, reused for every read: the next read runs on the libuv pool while this thread
    // hashes the previous one (measured ~15% faster than one buffer). Small files get one small buffer.
    const chunkSize = Math.max(1, Math.min(bufferSize, size));
    const first = Buffer.allocUnsafeSlow(chunkSize);
    const buffers = [first, size > chunkSize ? Buffer.allocUnsafeSlow(chunkSize) : first] as const;
    const readAt = (at: number, buffer: Buffer) => handle.read(buffer, 0, Math.min(buffer.length, size - at), at);

    let pending: ReturnType<typeof readAt> | null = size > 0 ? readAt(0, first) : null;
    let turn = 0;
    let position = 0;
    let lastReported = 0;
    try {
      while (pending) {
        const { bytesRead, buffer } = await pending;
        pending = null;
        if (bytesRead === 0) throw new FileChangedWhileHashingError(path, 'shrank');
        const next = position + bytesRead;
        if (next < size) {
          turn ^= 1;
          pending = readAt(next, buffers[turn] as Buffer);
        }
        consume(buffer.subarray(0, bytesRead), position);
        position = next;
        if (onProgress && position - lastReported >= PROGRESS_EVERY) {
          lastReported = position;
          onProgress(position);
        }
        signal?.throwIfAborted();
      }
    } finally {
      // Never close the handle under a read still in flight.
      if (pending) await pending.catch(() => undefined);
    }
    if (piece && pieceFilled > 0) piece.digest().copy(pieceHashes, pieceIndex * DIGEST_BYTES);

    const wholeDigest = whole.digest();
    if (pieceCount === 1) wholeDigest.copy(pieceHashes, 0);
    if (onProgress && lastReported !== size) onProgress(size);

    // Anything written during the pass makes the hashes a mix of old and new bytes.
    const after = await handle.stat();
    assertUnchanged(path, before, after);
    const pathAfter = await stat(path).catch(() => null);
    if (!pathAfter || pathAfter.ino !== before.ino) throw new FileChangedWhileHashingError(path, 'replaced or removed');

    const detected = magic.length > 0 ? await fileTypeFromBuffer(magic) : undefined;
    return {
      id: wholeDigest.toString('hex'),
      size,
      pieceSize,
      pieceHashes,
      detectedMime: detected?.mime ?? null,
      mtimeMs: before.mtimeMs,
      ino: before.ino,
    };
  } finally {
    await handle.close();
  }
}

function assertUnchanged(path: string, before: Stats, after: Stats): void {
  if (after.size !== before.size) throw new FileChangedWhileHashingError(path, `size ${before.size} -> ${after.size}`);
  if (after.mtimeMs !== before.mtimeMs) throw new FileChangedWhileHashingError(path, 'modified');
}

function notAFile(path: string): Error {
  return Object.assign(new Error(`${path} is not a regular file`), { code: 'NOT_A_FILE' });
}
