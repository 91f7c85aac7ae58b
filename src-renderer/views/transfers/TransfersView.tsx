import { useDomain } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useSelection } from '../../app/use-selection.js';
import { DownloadBatchBar } from './DownloadBatchBar.js';
import { DownloadRow } from './DownloadRow.js';
import { PauseAllButtons } from './PauseAllButtons.js';
import { UploadRow } from './UploadRow.js';

/** Downloaders are known by node id; the index's topology gives their names (asked while some are unknown). */
function UploaderNames() {
  useVisiblePolling(useDomain('network', (s) => s.loadTopology), 10_000);
  return null;
}

export function TransfersView() {
  const downloads = useDomain('transfers', (s) => s.downloads);
  const uploads = useDomain('transfers', (s) => s.uploads);
  const error = useDomain('transfers', (s) => s.error);
  const batch = useDomain('transfers', (s) => s.batch);
  const selection = useSelection();
  const named = useDomain('network', (s) => s.topology?.nodes);
  const unnamed = uploads.some((u) => u.peerId && !named?.some((n) => n.id === u.peerId));
  // Completed and cancelled downloads are the history; everything else is still going (or paused).
  const finished = downloads.filter((d) => d.state === 'completed' || d.state === 'cancelled');
  const active = downloads.filter((d) => d.state !== 'completed' && d.state !== 'cancelled');
  // Rows in the order shown (active, then finished): a shift-click's range.
  const order = [...active, ...finished].map((d) => d.id);
  const row = (d: (typeof downloads)[number]) => (
    <DownloadRow key={d.id} download={d} selected={selection.has(d.id)} onSelect={(shift) => selection.toggle(d.id, shift, order)} />
  );
  return (
    <div className="view transfers-view">
      <ErrorNote message={error} />
      {unnamed ? <UploaderNames /> : null}
      <section className="card" aria-label="Downloads">
        <div className="card-head">
          <h2>Downloads</h2>
          <PauseAllButtons />
        </div>
        <DownloadBatchBar selection={selection} />
        {active.length === 0 ? (
          <EmptyState title={finished.length === 0 ? 'No downloads yet' : 'Nothing downloading now'}>
            Find a file in Search and press Download: it comes from every peer holding it, verified piece by piece.
          </EmptyState>
        ) : (
          <ul className="transfer-list">
            {active.map(row)}
          </ul>
        )}
      </section>
      {finished.length > 0 ? (
        <section className="card" aria-label="Finished">
          <div className="card-head">
            <h2>Finished</h2>
            {/* Completed files stay on disk; only the rows go. */}
            <button type="button" className="secondary" onClick={() => void batch('clear', finished.map((d) => d.id))}>
              Clear finished
            </button>
          </div>
          <ul className="transfer-list">{finished.map(row)}</ul>
        </section>
      ) : null}
      <section className="card" aria-label="Uploads">
        <h2>Uploads</h2>
        {uploads.length === 0 ? (
          <EmptyState title="Nobody is fetching from you right now" />
        ) : (
          <ul className="transfer-list">
            {uploads.map((u) => (
              <UploadRow key={u.id} upload={u} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
