import { formatBytes, percent } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { ProgressBar } from '../../components/ProgressBar.js';

export function UploadList() {
  const entries = useDomain('uploads', (s) => s.entries);
  const clearFinished = useDomain('uploads', (s) => s.clearFinished);
  if (entries.length === 0) return null;
  return (
    <section className="card" aria-label="Uploads">
      <div className="card-head">
        <h2>Adding to your shared folder</h2>
        <button type="button" className="link" onClick={clearFinished}>
          Clear finished
        </button>
      </div>
      <ul className="upload-list">
        {entries.map((e) => (
          <li key={e.key} data-state={e.state}>
            <span className="name" title={e.name}>
              {e.name}
            </span>
            <span className="muted">
              {e.state === 'done' ? `added as ${e.savedAs ?? e.name}` : e.state === 'failed' ? '' : `${formatBytes(e.sent)} of ${formatBytes(e.size)}`}
            </span>
            {e.state === 'failed' ? <span className="error-inline">{e.error}</span> : <ProgressBar value={percent(e.sent, e.size)} label={`Uploading ${e.name}`} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
