// Lists every shareable regular file under a root, with the stat fields the library keys on.
// Prunes ignored folders instead of listing them, and never follows symbolic links.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isIgnoredName } from './ignore-rules.js';

export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

const STAT_CONCURRENCY = 64;

export async function walkFolder(root: string): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  const pendingDirs = [root];
  while (pendingDirs.length > 0) {
    const batch = pendingDirs.splice(0, STAT_CONCURRENCY);
    const listings = await Promise.all(batch.map((dir) => readdir(dir, { withFileTypes: true }).catch(() => [])));
    const candidates: string[] = [];
    listings.forEach((entries, i) => {
      const dir = batch[i] as string;
      for (const entry of entries) {
        if (isIgnoredName(entry.name)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) pendingDirs.push(path);
        else if (entry.isFile()) candidates.push(path);
      }
    });
    for (let i = 0; i < candidates.length; i += STAT_CONCURRENCY) {
      const stats = await Promise.all(
        candidates.slice(i, i + STAT_CONCURRENCY).map((path) =>
          lstat(path).then((st) => ({ path, st }), () => undefined),
        ),
      );
      for (const entry of stats) {
        if (entry?.st.isFile()) files.push({ path: entry.path, size: entry.st.size, mtimeMs: entry.st.mtimeMs, ino: entry.st.ino });
      }
    }
  }
  return files;
}
