// What a stranger may see of the node's live data: the public /ws and the public GET /stats.
// Local paths (where the user keeps files, their folder names, their user name) go only to the
// local user; strangers get the names the shared files are listed under. One place decides it,
// so a new event is private until it is added here.
import { basename } from 'node:path';
import type { NodeEventData, NodeEventType } from '../../../src-shared/api/events.js';
import type { HashingStatus } from '../../../src-shared/api/library.js';
import type { NodeStats } from '../../../src-shared/api/node.js';
import type { NodeBusEvent } from '../events/event-bus.js';

type PublicViews = { [T in NodeEventType]?: (data: NodeEventData<T>) => NodeEventData<T> };

const publicViews: PublicViews = {
  library_file_updated: ({ paths: _paths, ...file }) => file,
  library_file_removed: (data) => data,
  hashing_progress: (status) => publicHashingStatus(status),
  stats_update: (stats) => publicStats(stats),
  // transfer_* and uploads_update: what the user downloads and who fetches from them is theirs.
};

/** The event as a stranger may see it, or undefined when it is for the local user only. */
export function publicEvent(event: NodeBusEvent): NodeBusEvent | undefined {
  const view = publicViews[event.type] as ((data: NodeBusEvent['data']) => NodeBusEvent['data']) | undefined;
  return view && ({ ...event, data: view(event.data) } as NodeBusEvent);
}

export function publicStats(stats: NodeStats): NodeStats {
  return { ...stats, hashing: publicHashingStatus(stats.hashing) };
}

function publicHashingStatus(status: HashingStatus): HashingStatus {
  return { ...status, current: status.current.map((c) => ({ ...c, path: basename(c.path) })) };
}
