// One shared root in Share (the shared folder, or a path shared by hand): its whole path (a long
// one wraps anywhere), the lock badge when only chosen devices see it, and "Who sees it", which
// opens the same control as Settings (RootAccessControl) right there.
import { useId, useState } from 'react';
import type { SharedRoot } from '../../../src-shared/api/access.js';
import { RootAccessControl, rootName } from '../../components/RootAccessControl.js';
import { RestrictedBadge } from './RestrictedBadge.js';

export function SharedRootLine({ root, label }: { root: SharedRoot; label?: string }) {
  const [open, setOpen] = useState(false);
  const controlId = useId();
  return (
    <div className="shared-root-line" data-testid="shared-path">
      <span className="shared-root-what">
        {label ? `${label}: ` : null}
        <code className="path">{root.path}</code>
        {root.access === 'devices' ? <RestrictedBadge devices={root.devices.length} /> : null}
      </span>
      <button
        type="button"
        className="link"
        aria-expanded={open}
        aria-controls={open ? controlId : undefined}
        // The name heard starts with the words seen (WCAG 2.5.3).
        aria-label={`Who sees it: ${rootName(root)}`}
        onClick={() => setOpen(!open)}
      >
        Who sees it
      </button>
      {open ? (
        <div id={controlId} className="shared-root-access">
          <RootAccessControl root={root} />
        </div>
      ) : null}
    </div>
  );
}
