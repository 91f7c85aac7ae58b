// Transfers' batch actions on the selected downloads: one call each, whatever the count.
import { useState } from 'react';
import { useDomain } from '../../app/stores-context.js';
import { batchProblem, countOf, type Selection } from '../../app/use-selection.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { SelectionBar } from '../../components/SelectionBar.js';
import type { DownloadBatchAction } from '../../stores/transfers-store.js';

export function DownloadBatchBar({ selection }: { selection: Selection }) {
  const batch = useDomain('transfers', (s) => s.batch);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = [...selection.ids];
  const run = async (action: DownloadBatchAction) => {
    setBusy(true);
    const result = await batch(action, ids);
    setBusy(false);
    setProblem(result ? batchProblem(result) : null);
    if (result && (action === 'clear' || action === 'cancel')) selection.clear();
  };
  return (
    <>
      <SelectionBar count={ids.length} noun="download" onClear={selection.clear}>
        <button type="button" className="secondary" disabled={busy} onClick={() => void run('pause')}>
          Pause
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void run('resume')}>
          Resume
        </button>
        <ConfirmButton label="Cancel" question={`Cancel ${countOf(ids.length, 'download')}? Partial files are deleted.`} confirm="Cancel downloads" disabled={busy} onConfirm={() => void run('cancel')} />
        <button type="button" className="link" disabled={busy} onClick={() => void run('clear')}>
          Remove from list
        </button>
      </SelectionBar>
      <ErrorNote message={problem} />
    </>
  );
}
