// The index's numbers (GET /api/v1/stats, then each stats_update), as tiles.
import type { IndexStats } from '../../src-shared/api/index-routes.js';
import { formatBytes } from '../app/format.js';

/** "3d 4h", "2h 05m", "4m 10s": how long the index has run. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(s % 60).padStart(2, '0')}s`;
}

const perMinute = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString());

export function StatsTiles({ stats, uptimeSeconds }: { stats: IndexStats; uptimeSeconds: number }) {
  const tiles: [id: string, label: string, value: string, hint: string][] = [
    ['peers-online', 'Peers online', stats.peersOnline.toLocaleString(), `of ${stats.peersTotal.toLocaleString()} known`],
    ['files', 'Files', stats.uniqueFiles.toLocaleString(), `${stats.availableFiles.toLocaleString()} with a source online`],
    ['bytes', 'Available', formatBytes(stats.totalBytes), 'unique content, online'],
    ['searches', 'Searches', perMinute(stats.searchesPerMinute), 'per minute'],
    ['heartbeats', 'Heartbeats', perMinute(stats.heartbeatsPerMinute), 'per minute'],
    ['uptime', 'Uptime', formatUptime(uptimeSeconds), `${stats.registrations.toLocaleString()} registrations since start`],
  ];
  return (
    <div className="tiles">
      {tiles.map(([id, label, value, hint]) => (
        <div className="tile" key={id} data-testid={`stat-${id}`}>
          <span className="muted small">{label}</span>
          <span className="tile-value">{value}</span>
          <span className="muted small">{hint}</span>
        </div>
      ))}
    </div>
  );
}
