// Whether `shoal get` already finished this file into this folder (by its own download state) and
// the file is still there whole: then a rerun says so instead of saving `name (1).ext`.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DownloadView } from '../../src-shared/api/transfers.js';

/** The finished file's path, or undefined when it must be downloaded (again). */
export async function finishedHere(downloads: readonly DownloadView[], fileId: string, directory: string): Promise<string | undefined> {
  for (const d of downloads) {
    if (d.fileId !== fileId || d.state !== 'completed' || !d.path || resolve(dirname(d.path)) !== resolve(directory)) continue;
    const file = await stat(d.path).catch(() => undefined);
    // Same size is the cheap check; re-hashing a big file on every rerun would defeat the point.
    if (file?.isFile() && file.size === d.size) return d.path;
  }
  return undefined;
}
