// Telling a full disk from other write failures: SQLite says SQLITE_FULL (better-sqlite3 puts it
// in `code`), the file system ENOSPC. A full disk is the user's to fix, not a bug: the node says
// so and stays up.
import { statfs } from 'node:fs/promises';

const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC']);

/**
 * Below this much free space the data folder's disk counts as full: a download's save needs a few
 * pages of SQLite's write-ahead log, and the log cannot grow into nothing.
 */
export const DATA_DISK_RESERVE_BYTES = 4 * 1024 * 1024;

export function isDiskFull(err: unknown): boolean {
  return DISK_FULL_CODES.has((err as { code?: unknown } | null)?.code as string);
}

/** Whether the disk holding `directory` has less than the reserve free. */
export async function diskIsFull(directory: string): Promise<boolean> {
  const fs = await statfs(directory);
  return fs.bavail * fs.bsize < DATA_DISK_RESERVE_BYTES;
}
