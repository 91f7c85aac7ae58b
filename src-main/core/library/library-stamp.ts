// What the library keys a location on: a rescan hashes a file again only when one of these changed.
import type { LocationRow } from '../store/library-store.js';

export interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Whether a stored location (or an unshared path) still has the stamp it was hashed with. */
export function matchesStamp(known: Pick<LocationRow, 'size' | 'mtimeMs' | 'inode'>, st: Stamp): boolean {
  return known.size === st.size && known.mtimeMs === st.mtimeMs && known.inode === st.ino;
}
