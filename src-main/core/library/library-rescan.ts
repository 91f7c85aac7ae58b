// The start-up rescan: compares every root on disk with the database. One query loads every
// location's stamp, instead of one lookup per file; a file whose (size, mtime, inode) is
// unchanged is trusted, anything else is hashed, and what is no longer on disk is forgotten.
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LibraryStore } from '../store/library-store.js';
import { walkFolder, type WalkedFile } from './folder-walker.js';
import type { LibraryRoots } from './library-roots.js';

export interface RescanOptions {
  store: LibraryStore;
  roots: LibraryRoots;
  /** Watches a folder as the walk reaches it (nothing created after it is listed is missed). */
  watch(dir: string): void;
  /** Paths never shared: the walk prunes them. */
  skip(path: string): boolean;
  /** The library is closing: the walk ends at its next slice. */
  stopped(): boolean;
}

/** New or changed files, and the paths gone from disk; undefined when stopped before the end. */
export async function findChanges(o: RescanOptions): Promise<{ changed: WalkedFile[]; gone: string[] } | undefined> {
  const known = o.store.locationStamps();
  const excluded = o.store.excludedPaths();
  const changed: WalkedFile[] = [];
  for (const root of o.roots.all()) {
    const st = await lstat(root).catch(() => undefined);
    if (o.stopped()) return undefined;
    let walked: WalkedFile[] = [];
    if (st?.isFile()) {
      o.watch(dirname(root));
      walked = [{ path: root, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }];
    } else if (st?.isDirectory()) {
      walked = await walkFolder(root, o.watch, o.skip, o.stopped);
      if (o.stopped()) return undefined;
    }
    for (const f of walked) {
      if (o.roots.rootOf(f.path) !== root) continue; // belongs to a deeper root, walked on its own
      if (!known.take(f.path, f.size, f.mtimeMs, f.ino) && !excluded.has(f.path)) changed.push(f);
    }
  }
  return { changed, gone: known.untaken() };
}
