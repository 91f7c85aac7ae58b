// Turns stored rows into the API's SharedFile: one content, all its names, automatic + user tags.
import type { IndexedFile } from '../../../src-shared/api/index-routes.js';
import type { SharedFile } from '../../../src-shared/api/library.js';
import type { FileRow, LocationRow } from '../store/library-store.js';
import { autoTags } from './file-classifier.js';

export function toSharedFile(file: FileRow, locations: LocationRow[], includePaths: boolean): SharedFile {
  const names = [...new Set(locations.map((l) => l.name))];
  const name = names[0] ?? file.id;
  const view: SharedFile = {
    id: file.id,
    name,
    names,
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

/** What an index server is told about a shared content. */
export function toIndexedFile(file: SharedFile): IndexedFile {
  return { id: file.id, name: file.name, size: file.size, mime: file.mime, category: file.category, tags: file.tags, pieceSize: file.pieceSize };
}
