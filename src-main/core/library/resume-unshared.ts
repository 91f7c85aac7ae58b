// Sharing again what the user unshared without hashing it again (issue 16, item 15), as a torrent
// client's fast resume does: an unshare keeps each path's content (id, pieces, tags, SHA-256) and
// the stamp it was hashed with (library-store.ts `exclude`). A file that still has exactly that
// stamp holds the bytes that were hashed, by the same rule a rescan trusts a location by; any
// difference (an edit, a new size, a copy put in its place with its mtime restored but another
// inode) and it is hashed as usual. Serving checks the stamp again on every open, so even a file
// changed in the instant between the look and the record is never served under the old id.
import type { FileRow, LibraryStore, UnsharedStamp } from '../store/library-store.js';
import { matchesStamp, type Stamp } from './library-stamp.js';

/** The stamps the paths being shared again were unshared with, by path. */
export type UnsharedStamps = ReadonlyMap<string, UnsharedStamp>;

/** The content `path` held when it was unshared, if the file `st` describes is still exactly that one. */
export function unchangedSinceUnshare(store: Pick<LibraryStore, 'unsharedContent'>, unshared: UnsharedStamps, path: string, st: Stamp): FileRow | undefined {
  const known = unshared.get(path);
  if (!known || !matchesStamp(known, st)) return undefined;
  const file = store.unsharedContent(known.fileId);
  // The stamp's size is the content's: a row that disagrees is not the one that was hashed there.
  return file && file.size === st.size ? { ...file, sharedAt: Date.now() } : undefined;
}
