// What Share shares, by root (GET /api/v1/library/roots): the shared folder's line, then the paths
// shared by hand (files and folders outside it, shared by path) folded under one line that says
// how many and how many of them only chosen devices see. Each root carries the lock badge when it
// is restricted and a "Who sees it" control (SharedRootLine).
import { useEffect } from 'react';
import { useDomain } from '../../app/stores-context.js';
import { countOf } from '../../app/use-selection.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { SharedRootLine } from './SharedRootLine.js';
import './unshared.css';

export function SharedFolder() {
  const roots = useDomain('access', (s) => s.roots);
  const loadRoots = useDomain('access', (s) => s.loadRoots);
  const error = useDomain('access', (s) => s.error);
  // The number of files shared changes when paths are shared by hand or unshared.
  const files = useDomain('library', (s) => s.total);
  useEffect(() => void loadRoots(), [loadRoots, files]);
  const folder = roots?.find((r) => r.sharedFolder);
  const byHand = roots?.filter((r) => !r.sharedFolder) ?? [];
  if (!folder && byHand.length === 0) return null;
  const restricted = byHand.filter((r) => r.access === 'devices').length;
  return (
    <div className="shared-folder muted small" data-testid="shared-folder">
      {folder ? <SharedRootLine root={folder} label="Shared folder" /> : null}
      {byHand.length > 0 ? (
        <details className="hand-shared" data-testid="hand-shared">
          <summary>
            {`${countOf(byHand.length, 'path')} shared by hand`}
            {restricted > 0 ? `, ${restricted.toLocaleString()} only with chosen devices` : ''}
          </summary>
          <ul className="plain hand-shared-list" aria-label="Paths shared by hand">
            {byHand.map((r) => (
              <li key={r.path}>
                <SharedRootLine root={r} />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <ErrorNote message={error} />
    </div>
  );
}
