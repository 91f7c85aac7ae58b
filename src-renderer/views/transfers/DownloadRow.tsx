import { useState } from 'react';
import { isRunningDownload, type DownloadView } from '../../../src-shared/api/transfers.js';
import { errorMessage } from '../../bridge/api-error.js';
import { formatBytes, formatDuration, formatSpeed, percent } from '../../app/format.js';
import { useDomain, useStores } from '../../app/stores-context.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { Lock } from '../../components/Lock.js';
import { RowCheckbox } from '../../components/SelectionBar.js';
import { PeerName } from '../../components/PeerName.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { hostOf } from '../search/SearchResultRow.js';

const stateLabels: Record<DownloadView['state'], string> = {
  queued: 'Queued', finding: 'Finding sources', downloading: 'Downloading', waiting: 'Waiting for a source',
  paused: 'Paused', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled',
};

const sourceStateText: Record<DownloadView['sources'][number]['state'], string> = {
  active: 'sending', idle: 'idle', standby: 'standby (nearer sources serve)', busy: 'full, will retry', backoff: 'retrying soon', dropped: 'dropped',
};

/** The round trip this node measured to a source. */
const roundTrip = (ms: number | null): string => (ms === null ? '' : ms < 1 ? ' · under 1 ms away' : ` · ${ms} ms away`);

/** Who the file comes from: each source by name (hover: address and id), what it is doing, what it gave. */
function Sources({ download: d }: { download: DownloadView }) {
  const active = d.sources.filter((s) => s.state === 'active').length;
  const standby = d.sources.filter((s) => s.state === 'standby').length;
  const counts = [active > 0 ? `${active} active` : '', standby > 0 ? `${standby} standby` : ''].filter(Boolean).join(', ');
  const summary = `${d.sources.length} source${d.sources.length === 1 ? '' : 's'}${counts ? ` (${counts})` : ''}`;
  if (d.sources.length === 0) return <span>{summary}</span>;
  // The lock in the summary: every source that sends or sent bytes did so encrypted.
  const used = d.sources.filter((s) => s.state === 'active' || s.bytes > 0);
  const locked = used.length > 0 && used.every((s) => s.encrypted);
  return (
    <details className="download-sources" data-testid="download-sources">
      <summary>
        {summary} {used.length > 0 ? <Lock encrypted={locked} who="source" /> : null}
      </summary>
      <ul className="source-list" aria-label={`Sources of ${d.name}`}>
        {d.sources.map((s) => (
          <li key={s.url} data-state={s.state}>
            <Lock encrypted={s.encrypted} who="source" />
            <PeerName name={s.name} id={s.peerId} address={hostOf(s.url)} />
            <span className="muted">
              {sourceStateText[s.state]}
              {s.state === 'active' && s.speed > 0 ? ` · ${formatSpeed(s.speed)}` : ''}
              {roundTrip(s.rttMs)}
              {s.bytes > 0 ? ` · ${formatBytes(s.bytes)} verified` : ''}
              {s.reason ? ` · ${s.reason}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function DownloadRow({ download: d, selected, onSelect }: { download: DownloadView; selected?: boolean; onSelect?(shift: boolean): void }) {
  const pause = useDomain('transfers', (s) => s.pause);
  const resume = useDomain('transfers', (s) => s.resume);
  const remove = useDomain('transfers', (s) => s.remove);
  const { desktop, downloadedFileUrl } = useStores();
  const [problem, setProblem] = useState<string | null>(null);
  const path = d.state === 'completed' ? d.path : null;
  const run = (action: () => Promise<unknown>) => {
    setProblem(null);
    action().catch((err: unknown) => setProblem(errorMessage(err)));
  };
  const value = d.state === 'completed' ? 100 : percent(d.bytesVerified, d.size);
  return (
    <li className="transfer" data-testid="download" data-state={d.state}>
      <div className="card-head">
        {onSelect ? <RowCheckbox label={`Select ${d.name}`} checked={selected === true} onToggle={onSelect} /> : null}
        <span className="name" title={d.path ?? d.name}>
          {d.name}
        </span>
        <span className={`state ${d.state}`}>{stateLabels[d.state]}</span>
      </div>
      <ProgressBar value={value} label={`Progress of ${d.name}`} />
      <div className="transfer-meta muted">
        <span>
          {formatBytes(d.bytesVerified)}
          {d.size !== null ? ` of ${formatBytes(d.size)}` : ''} ({value}%)
        </span>
        {d.state === 'downloading' ? (
          <span>
            {formatSpeed(d.speed)} · {d.etaSeconds !== null ? `${formatDuration(d.etaSeconds)} left` : 'estimating'}
          </span>
        ) : null}
        <Sources download={d} />
      </div>
      {d.error ? <p className="error-inline">{d.error.message}</p> : null}
      {problem ? <p className="error-inline">{problem}</p> : null}
      {path ? <p className="muted small">Saved to {path}</p> : null}
      <div className="row-actions">
        {isRunningDownload(d.state) ? (
          <button type="button" className="secondary" onClick={() => void pause(d.id)}>
            Pause
          </button>
        ) : null}
        {d.state === 'paused' || d.state === 'failed' ? (
          <button type="button" className="secondary" onClick={() => void resume(d.id)}>
            Resume
          </button>
        ) : null}
        {desktop && path ? (
          <>
            <button type="button" className="secondary" onClick={() => run(() => desktop.openFile({ path }))}>
              Open
            </button>
            <button type="button" className="secondary" onClick={() => run(() => desktop.showInFolder({ path }))}>
              Show in folder
            </button>
          </>
        ) : null}
        {!desktop && path ? (
          // From where the download put it, shared or not: /download/{fileId} serves only shared files.
          <a className="button-link" href={downloadedFileUrl(d.id) ?? undefined} download={d.name}>
            Save a copy
          </a>
        ) : null}
        {d.state === 'completed' || d.state === 'cancelled' ? (
          <button type="button" className="link danger" onClick={() => void remove(d.id)}>
            Remove from list
          </button>
        ) : (
          <ConfirmButton label="Cancel" ariaLabel={`Cancel ${d.name}`} question="Cancel this download? Its partial file is deleted." confirm="Cancel download" onConfirm={() => void remove(d.id)} />
        )}
      </div>
    </li>
  );
}
