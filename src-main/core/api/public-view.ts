// What a stranger may see of the node's live data: the public /ws and the public GET /stats.
// Local paths (where the user keeps files, their folder names, their user name) go only to the
// local user; strangers get the names the shared files are listed under. Files shared only with
// some devices (access control) are not shown at all: not their names, not their counts. One place
// decides it, so a new event is private until it is added here.
import { basename } from 'node:path';
import type { NodeEventData, NodeEventType } from '../../../src-shared/api/events.js';
import type { HashingStatus, SharedFile } from '../../../src-shared/api/library.js';
import type { NodeStats } from '../../../src-shared/api/node.js';
import type { NodeBusEvent } from '../events/event-bus.js';

/** What the library says strangers may see (library.ts); without one, everything is public. */
export interface PublicLibrary {
  /** The file as a stranger sees it (only its public locations' names), or undefined when it is not public. */
  publicView(file: SharedFile): SharedFile | undefined;
  isPublicPath(path: string): boolean;
  /** True while the event about this content being published must not reach strangers at all (it never was public). */
  hiddenFromStrangers(fileId: string): boolean;
  publicCounts(): { files: number; locations: number; bytes: number };
}

type PublicViews = { [T in NodeEventType]?: (data: NodeEventData<T>, library: PublicLibrary | undefined) => NodeEventData<T> };

const publicViews: PublicViews = {
  library_file_updated: ({ paths: _paths, ...file }) => file,
  library_file_removed: (data) => data,
  hashing_progress: (status, library) => publicHashingStatus(status, library),
  stats_update: (stats, library) => publicStats(stats, library),
  // transfer_* and uploads_update: what the user downloads and who fetches from them is theirs.
};

/** The event as a stranger may see it, or undefined when it is for the local user only. */
export function publicEvent(event: NodeBusEvent, library?: PublicLibrary): NodeBusEvent | undefined {
  if (library && (event.type === 'library_file_updated' || event.type === 'library_file_removed')) {
    // A content shared only with some devices: strangers hear nothing of it, not even its id.
    if (library.hiddenFromStrangers(event.data.id)) return undefined;
    // One that was public and no longer is (restricted, or its public location gone): it left.
    if (event.type === 'library_file_updated') {
      const view = library.publicView(event.data);
      return view ? { ...event, data: view } : { type: 'library_file_removed', data: { id: event.data.id }, timestamp: event.timestamp };
    }
  }
  const view = publicViews[event.type] as ((data: NodeBusEvent['data'], library: PublicLibrary | undefined) => NodeBusEvent['data']) | undefined;
  return view && ({ ...event, data: view(event.data, library) } as NodeBusEvent);
}

export function publicStats(stats: NodeStats, library?: PublicLibrary): NodeStats {
  const counts = library?.publicCounts();
  return {
    ...stats, hashing: publicHashingStatus(stats.hashing, library),
    ...(counts ? { files: counts.files, locations: counts.locations, totalBytes: counts.bytes } : {}),
  };
}

function publicHashingStatus(status: HashingStatus, library: PublicLibrary | undefined): HashingStatus {
  const current = library ? status.current.filter((c) => library.isPublicPath(c.path)) : status.current;
  return { ...status, current: current.map((c) => ({ ...c, path: basename(c.path) })) };
}
