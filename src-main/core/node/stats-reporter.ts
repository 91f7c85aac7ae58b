// Builds the node's statistics and pushes `stats_update` on the bus: every few seconds, and soon
// after the library changes (coalesced, so a busy rescan sends a handful, not thousands).
import type { NodeStats } from '../../../src-shared/api/node.js';
import type { EventBus } from '../events/event-bus.js';
import { throttle } from '../events/throttle.js';
import type { UploadTracker } from '../transfers/upload-tracker.js';
import type { Library } from '../library/library.js';

export interface StatsReporter {
  stats(): NodeStats;
  stop(): void;
}

export function startStatsReporter(deps: { library: Library; uploads: UploadTracker; bus: EventBus; startedAt: number; intervalMs?: number }): StatsReporter {
  const stats = (): NodeStats => {
    const counts = deps.library.counts();
    const memory = process.memoryUsage();
    return {
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      files: counts.files,
      locations: counts.locations,
      totalBytes: counts.bytes,
      hashing: deps.library.hashingStatus(),
      uploads: { active: deps.uploads.active, served: deps.uploads.served, bytesSent: deps.uploads.bytesSent },
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    };
  };
  const publish = throttle(() => deps.bus.publish('stats_update', stats()), 1000);
  const unsubscribe = deps.bus.subscribe((event) => {
    if (event.type === 'library_file_updated' || event.type === 'library_file_removed') publish();
  });
  const timer = setInterval(publish, deps.intervalMs ?? 5000);
  timer.unref();
  return {
    stats,
    stop: () => {
      clearInterval(timer);
      unsubscribe();
      publish.cancel();
    },
  };
}
