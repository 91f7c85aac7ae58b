// "Unshared (N)": the files the user stopped sharing (they stay on disk), each shared again with
// one press, or several at once with the checkboxes, in one call.
import { useEffect, useState } from 'react';
import type { UnsharedFile } from '../../../src-shared/api/unshared.js';
import { formatBytes } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { batchProblem, useSelection } from '../../app/use-selection.js';
import { errorMessage } from '../../bridge/api-error.js';
import { RowCheckbox, SelectionBar } from '../../components/SelectionBar.js';
import './unshared.css';

export function UnsharedFiles({ onMessage }: { onMessage(message: string | null): void }) {
  const total = useDomain('unshared', (s) => s.total);
  const items = useDomain('unshared', (s) => s.items);
  const load = useDomain('unshared', (s) => s.load);
  const more = useDomain('unshared', (s) => s.more);
  const reshare = useDomain('unshared', (s) => s.reshare);
  const search = useDomain('unshared', (s) => s.search);
  const setSearch = useDomain('unshared', (s) => s.setSearch);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const selection = useSelection();
  useEffect(() => void load(), [load]);
  const searching = search.trim() !== '';
  if (total <= 0 && !open && !searching) return null;

  const order = items.map((f) => f.path);
  const shareAgain = (paths: string[]) => {
    setBusy(true);
    reshare(paths)
      .then((result) => {
        selection.clear();
        onMessage(batchProblem(result));
      }, (err: unknown) => onMessage(errorMessage(err)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="unshared">
      <button type="button" className="link" aria-expanded={open} aria-controls={open ? 'unshared-files' : undefined} onClick={() => setOpen(!open)}>
        {searching ? 'Unshared' : `Unshared (${Math.max(0, total).toLocaleString()})`}
      </button>
      {open ? (
        <section id="unshared-files" className="unshared-files" aria-label="Unshared files">
          <p className="muted small">Files you stopped sharing stay where they are; peers cannot see them until you share them again.</p>
          <label className="grow-field unshared-search">
            Find in unshared files
            <input type="search" value={search} placeholder="name or folder" maxLength={200}
              onChange={(e) => {
                selection.clear(); // a selection the user can no longer see is never acted on
                void setSearch(e.target.value);
              }} />
          </label>
          {searching ? (
            <p className="muted small" role="status">
              {total < 0 ? 'Searching\u2026' : `${total.toLocaleString()} ${total === 1 ? 'file matches' : 'files match'}`}
            </p>
          ) : null}
          <SelectionBar count={selection.ids.size} noun="unshared file" onClear={selection.clear}>
            <button type="button" className="secondary" disabled={busy} onClick={() => shareAgain([...selection.ids])}>
              Share again
            </button>
          </SelectionBar>
          {items.length === 0 && !searching ? <p className="muted">Nothing is unshared.</p> : null}
          <ul className="unshared-list">
            {items.map((f) => (
              <UnsharedRow key={f.path} file={f} busy={busy} selected={selection.has(f.path)}
                onSelect={(shift) => selection.toggle(f.path, shift, order)} onShare={() => shareAgain([f.path])} />
            ))}
          </ul>
          {items.length < total ? (
            <button type="button" className="secondary" onClick={() => void more()}>
              Show more
            </button>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function UnsharedRow({ file, busy, selected, onSelect, onShare }: {
  file: UnsharedFile;
  busy: boolean;
  selected: boolean;
  onSelect(shift: boolean): void;
  onShare(): void;
}) {
  return (
    <li className="unshared-row" data-testid="unshared-file">
      {file.present ? <RowCheckbox label={`Select ${file.name}`} checked={selected} onToggle={onSelect} /> : <span />}
      <div className="unshared-what">
        <span className="name" title={file.name}>{file.name}</span>
        <span className="muted small unshared-path">{file.path}</span>
      </div>
      {file.present ? (
        <span className="row-actions">
          {file.size !== null ? <span className="muted small">{formatBytes(file.size)}</span> : null}
          <button type="button" className="secondary" disabled={busy} aria-label={`Share again: ${file.name}`} onClick={onShare}>
            Share again
          </button>
        </span>
      ) : (
        <span className="muted small">Gone from disk</span>
      )}
    </li>
  );
}
