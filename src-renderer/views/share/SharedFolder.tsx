// Where the shared folder is (GET /api/v1/library/roots), whole: a long path wraps anywhere
// instead of pushing the page sideways at phone widths. A folder shared only with chosen devices
// has a lock badge saying with how many.
import { useEffect } from 'react';
import { useDomain } from '../../app/stores-context.js';
import { countOf } from '../../app/use-selection.js';
import { RestrictedBadge } from './RestrictedBadge.js';
import './unshared.css';

export function SharedFolder() {
  const roots = useDomain('access', (s) => s.roots);
  const loadRoots = useDomain('access', (s) => s.loadRoots);
  // The number of files shared changes when paths are shared by hand or unshared.
  const files = useDomain('library', (s) => s.total);
  useEffect(() => void loadRoots(), [loadRoots, files]);
  const folder = roots?.find((r) => r.sharedFolder);
  const byHand = roots?.filter((r) => !r.sharedFolder).length ?? 0;
  if (!folder && byHand === 0) return null;
  return (
    <p className="shared-folder muted small" data-testid="shared-folder">
      {folder ? (
        <>
          Shared folder: <code className="path">{folder.path}</code>
          {folder.access === 'devices' ? <RestrictedBadge devices={folder.devices.length} /> : null}
        </>
      ) : null}
      {byHand > 0 ? <span>{`${folder ? ', and ' : ''}${countOf(byHand, 'path')} shared by hand`}</span> : null}
    </p>
  );
}
