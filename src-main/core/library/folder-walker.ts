// Lists every shareable regular file under a root, with the stat fields the library keys on.
// Prunes ignored folders instead of listing them, and never follows symbolic links.
//
// The file system calls are synchronous, in slices between which the event loop runs: 100,000
// lstatSync calls take ~0.55 s here, the same through promises (64 at a time) took 3 s, because
// each async call is a round trip through libuv's thread pool.
import { lstatSync, readdirSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isIgnoredName } from './ignore-rules.js';

export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** How many file system calls run between two turns of the event loop (a few ms of blocking). */
const CALLS_PER_SLICE = 1000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Walks `root`. `onFolder` is called for each folder (the root included) before it is listed, so
 * a watch set up there misses nothing created after the listing. `skip`ped paths are neither
 * listed nor, for folders, walked or watched. Once `stopped()` says so (the library is closing),
 * the walk ends at its next folder or slice, with what it found so far.
 */
export async function walkFolder(
  root: string, onFolder?: (dir: string) => void, skip?: (path: string) => boolean, stopped: () => boolean = () => false,
): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  const pendingDirs = [root];
  let calls = 0;
  while (pendingDirs.length > 0 && !stopped()) {
    const dir = pendingDirs.pop() as string;
    onFolder?.(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // gone or unreadable: nothing to share from it
    }
    if (++calls % CALLS_PER_SLICE === 0) await nextTurn();
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const path = join(dir, entry.name);
      if (skip?.(path)) continue;
      if (entry.isDirectory()) pendingDirs.push(path);
      else if (entry.isFile()) {
        const st = tryLstat(path);
        if (st?.isFile()) files.push({ path, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
        if (++calls % CALLS_PER_SLICE === 0) {
          await nextTurn();
          if (stopped()) return files;
        }
      }
    }
  }
  return files;
}

function tryLstat(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // unreadable
  }
}
