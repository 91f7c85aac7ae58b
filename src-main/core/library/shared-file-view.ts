// Turns stored rows into the API's SharedFile: one content, all its names, automatic + user tags.
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { boundFolder } from '../../../src-shared/api/folder.js';
import type { IndexedFile } from '../../../src-shared/api/index-routes.js';
import type { SharedFile } from '../../../src-shared/api/library.js';
import type { FileRow, LocationRow } from '../store/library-store.js';
import { autoTags } from './file-classifier.js';

export function toSharedFile(file: FileRow, locations: LocationRow[], includePaths: boolean): SharedFile {
  const names = [...new Set(locations.map((l) => l.name))];
  const name = names[0] ?? file.id;
  const folder = locations[0] && folderInRoot(locations[0]);
  const view: SharedFile = {
    id: file.id,
    name,
    names,
    ...(folder ? { folder } : {}),
    size: file.size,
    mime: file.mime,
    category: file.category,
    tags: [...new Set([...names.flatMap((n) => autoTags(n, file.category)), ...file.userTags])],
    userTags: file.userTags,
    pieceSize: file.pieceSize,
    pieceCount: file.pieceHashes.length / 32,
    sharedAt: new Date(file.sharedAt).toISOString(),
    sha256: file.sha256,
  };
  if (includePaths) view.paths = locations.map((l) => l.path);
  return view;
}

/**
 * The folder a location is in, relative to its root and with `/` between names: only what is
 * inside the shared folder, never the path above it. undefined at the top of the root (and for a
 * file shared by itself).
 */
export function folderInRoot(location: Pick<LocationRow, 'path' | 'root'>): string | undefined {
  const rel = relative(location.root, dirname(location.path));
  const names = rel.split(sep);
  if (rel === '' || isAbsolute(rel) || names.includes('..')) return undefined;
  return boundFolder(names.join('/'));
}

/** What an index server is told about a shared content. */
export function toIndexedFile(file: SharedFile): IndexedFile {
  const folder = file.folder === undefined ? undefined : boundFolder(file.folder);
  return {
    id: file.id, name: file.name, size: file.size, mime: file.mime, category: file.category, tags: file.tags, pieceSize: file.pieceSize,
    ...(folder ? { folder } : {}),
  };
}
