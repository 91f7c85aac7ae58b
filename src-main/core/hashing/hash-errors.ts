// The error a hash job fails with when its file changed under it. A module of its own so that the
// main thread (hash-pool.ts, the library) can use it without loading file-hasher.ts, whose
// file-type import (~1.5 MB of heap) only the hash workers need.

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
