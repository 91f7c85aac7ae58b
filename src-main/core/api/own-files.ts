// Network answers as the local user should see them: a file this node already shares is marked
// "in your library", and this node is never listed as a source of its own download.
import type { SearchResponse, SearchResult } from '../../../src-shared/api/index-routes.js';
import type { SharedFile } from '../../../src-shared/api/library.js';

export interface OwnLibrary {
  /** This node's id, as index servers list it among sources. */
  selfId: string;
  has(fileId: string): boolean;
}

export function markOwn(result: SearchResult, own: OwnLibrary): SearchResult {
  const sources = result.sources.filter((s) => s.peerId !== own.selfId);
  const listedSelf = sources.length < result.sources.length;
  return {
    ...result,
    sources,
    sourceCount: Math.max(0, result.sourceCount - (listedSelf ? 1 : 0)),
    inLibrary: own.has(result.id),
  };
}

export function markOwnResults(answer: SearchResponse, own: OwnLibrary): SearchResponse {
  return { ...answer, items: answer.items.map((r) => markOwn(r, own)) };
}

/** A file of this library as a result with no other source: what a pasted link opens when no index knows it. */
export function ownFileResult(file: SharedFile): SearchResult {
  return {
    id: file.id, name: file.name, names: file.names, ...(file.folder ? { folders: [file.folder] } : {}), size: file.size, mime: file.mime,
    category: file.category, tags: file.tags, pieceSize: file.pieceSize, sourceCount: 0, sources: [], firstSeen: file.sharedAt, inLibrary: true,
  };
}
