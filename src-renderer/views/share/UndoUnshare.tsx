// Right after an unshare: "Unshared 3 files. Undo". Undo shares the same paths again in one call.
import { useState } from 'react';
import { useDomain } from '../../app/stores-context.js';
import { batchProblem, countOf } from '../../app/use-selection.js';
import { errorMessage } from '../../bridge/api-error.js';
import './unshared.css';

export function UndoUnshare({ onMessage }: { onMessage(message: string | null): void }) {
  const last = useDomain('unshared', (s) => s.lastUnshare);
  const undo = useDomain('unshared', (s) => s.undo);
  const dismiss = useDomain('unshared', (s) => s.dismissUndo);
  const [busy, setBusy] = useState(false);
  if (!last) return null;
  return (
    <div className="undo-note" role="status">
      <span>Unshared {countOf(last.files, 'file')}.</span>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void undo()
            .then((result) => onMessage(result && batchProblem(result)), (err: unknown) => onMessage(errorMessage(err)))
            .finally(() => setBusy(false));
        }}
      >
        Undo
      </button>
      <button type="button" className="link" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
