// Live numbers and their recent history: what this node shares, how fast it moves bytes.
import { useEffect, useMemo } from 'react';
import { formatBytes, formatSpeed } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { EmptyState } from '../../components/EmptyState.js';
import { TimeChart } from '../../components/TimeChart.js';

export function DashboardView() {
  const samples = useDomain('dashboard', (s) => s.samples);
  const latest = useDomain('dashboard', (s) => s.latest);
  const downloads = useDomain('transfers', (s) => s.downloads);
  // The Transfers rows (one per downloader and file, kept between its ranges), live from uploads_update;
  // the stats' count of open requests dropped to 0 between two ranges.
  const uploading = useDomain('transfers', (s) => s.uploads.length);
  const peers = useDomain('network', (s) => s.topology?.nodes.filter((n) => n.role === 'peer' && n.status === 'online').length ?? null);
  const loadTopology = useDomain('network', (s) => s.loadTopology);
  useEffect(() => {
    void loadTopology();
    const timer = setInterval(() => void loadTopology(), 5_000);
    return () => clearInterval(timer);
  }, [loadTopology]);
  const times = useMemo(() => samples.map((s) => s.t), [samples]);
  const rates = useMemo(
    () => [
      { label: 'Download', values: samples.map((s) => s.downloadRate), colourVar: '--chart-download' as const },
      { label: 'Upload', values: samples.map((s) => s.uploadRate), colourVar: '--chart-upload' as const },
    ],
    [samples],
  );
  const shared = useMemo(() => [{ label: 'Shared', values: samples.map((s) => s.totalBytes), colourVar: '--chart-shared' as const }], [samples]);
  if (!latest) return <EmptyState title="Waiting for the node\u2019s first numbers…" />;
  const running = downloads.filter((d) => d.state === 'downloading').length;
  return (
    <div className="view dashboard-view">
      <section className="tiles" aria-label="Now">
        <Tile label="Files shared" value={latest.files.toLocaleString()} />
        <Tile label="Bytes shared" value={formatBytes(latest.totalBytes)} />
        <Tile label="Downloads running" value={String(running)} />
        <Tile label="Uploads now" value={String(uploading)} />
        <Tile label="Sent since start" value={formatBytes(latest.uploads.bytesSent)} />
        <Tile label="Peers online" value={peers === null ? '--' : String(peers)} />
      </section>
      <section className="card" aria-label="Transfer rates">
        <h2>Transfer rates</h2>
        <TimeChart label="Download and upload rates over time" times={times} series={rates} format={formatSpeed} floor={100 * 1024} />
      </section>
      <section className="card" aria-label="Library size">
        <h2>Shared</h2>
        <TimeChart label="Bytes shared over time" times={times} series={shared} format={formatBytes} floor={1024 * 1024} />
      </section>
    </div>
  );
}

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile">
      <span className="tile-value">{value}</span>
      <span className="muted small">{label}</span>
    </div>
  );
}
