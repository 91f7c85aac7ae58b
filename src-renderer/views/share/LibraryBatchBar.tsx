// Share's batch actions on the selected files: tag, copy their links, unshare (asked once, then
// offering Undo).
// Each is one call to the node, however many files are selected.
import { useState } from 'react';
import { shoalLink } from '../../../src-shared/shoal-link.js';
import { errorMessage } from '../../bridge/api-error.js';
import { useDomain } from '../../app/stores-context.js';
import { batchProblem, countOf, type Selection } from '../../app/use-selection.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { undoOf } from '../../stores/unshared-store.js';
import { SelectionBar } from '../../components/SelectionBar.js';

export function LibraryBatchBar({ selection, nameOf, copyText, onMessage }: {
  selection: Selection;
  /** The file's name when its row is loaded (a link carries it). */
  nameOf(id: string): string | undefined;
  copyText(text: string): Promise<void>;
  onMessage(message: string | null): void;
}) {
  const unshareMany = useDomain('library', (s) => s.unshareMany);
  const tagMany = useDomain('library', (s) => s.tagMany);
  const noteUnshared = useDomain('unshared', (s) => s.noteUnshared);
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = [...selection.ids];
  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    try {
      onMessage(await action());
    } catch (err) {
      onMessage(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <SelectionBar count={ids.length} noun="file" onClear={selection.clear}>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => void run(async () => {
          await copyText(ids.map((id) => shoalLink(id, nameOf(id))).join('\n'));
          return `Copied ${countOf(ids.length, 'link')}.`;
        })}
      >
        Copy links
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const add = tags.split(',').map((t) => t.trim()).filter(Boolean);
          if (add.length === 0) return;
          void run(async () => {
            const result = await tagMany(ids, add);
            setTags('');
            return batchProblem(result);
          });
        }}
      >
        <input type="text" aria-label="Tags to add to the selected files" placeholder="tags, comma separated" value={tags} onChange={(e) => setTags(e.target.value)} />
        <button type="submit" className="secondary" disabled={busy || tags.trim() === ''}>
          Add tags
        </button>
      </form>
      <ConfirmButton
        label="Unshare"
        question={`Stop sharing ${countOf(ids.length, 'file')}?`}
        confirm="Unshare"
        disabled={busy}
        onConfirm={() => void run(async () => {
          const result = await unshareMany(ids);
          selection.clear();
          noteUnshared(undoOf(result));
          return batchProblem(result);
        })}
      />
    </SelectionBar>
  );
}
