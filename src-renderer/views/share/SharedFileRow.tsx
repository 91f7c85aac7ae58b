import { useState } from 'react';
import type { SharedFile } from '../../../src-shared/api/library.js';
import { formatBytes } from '../../app/format.js';
import { CategoryIcon } from '../../components/CategoryIcon.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { RowCheckbox } from '../../components/SelectionBar.js';
import { FileDetailsDialog } from './FileDetailsDialog.js';
import type { FileAccess } from './file-access.js';
import { RestrictedBadge } from './RestrictedBadge.js';

export interface RowActions {
  unshare(id: string): Promise<void>;
  setTags(id: string, tags: string[]): Promise<void>;
  /** Puts the file's shoal:// link on the clipboard, for a friend's Shoal to open. */
  copyLink(file: SharedFile): Promise<void>;
  /** Puts the address of the file's .torrent on the clipboard, for a BitTorrent client (qBittorrent) to open. */
  copyTorrent(file: SharedFile): Promise<void>;
  /** The desktop app's "show in folder"; null in a browser. */
  showInFolder: ((path: string) => Promise<void>) | null;
  onError(message: string): void;
}

export function SharedFileRow({ file, actions, access, selected, onSelect }: {
  file: SharedFile;
  actions: RowActions;
  /** Who may see it (file-access.ts): a lock badge when only chosen devices do; undefined while unknown. */
  access?: FileAccess | undefined;
  /** Picked for a batch action; absent where rows cannot be picked. */
  selected?: boolean;
  onSelect?(shift: boolean): void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState<'link' | 'torrent' | null>(null);
  const [details, setDetails] = useState(false);
  const firstPath = file.paths?.[0];
  const showInFolder = actions.showInFolder;
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      actions.onError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const copy = (what: 'link' | 'torrent', action: (file: SharedFile) => Promise<void>) =>
    run(async () => {
      await action(file);
      setCopied(what);
      setTimeout(() => setCopied(null), 1500);
    });
  const copyLabel = (what: 'link' | 'torrent', label: string) => (copied === what ? 'Copied' : label);
  const saveTags = () =>
    run(async () => {
      await actions.setTags(file.id, draft.split(',').map((t) => t.trim()).filter(Boolean));
      setEditing(false);
    });
  return (
    <div className={onSelect ? 'file-row selectable' : 'file-row'} data-testid="shared-file" data-file-id={file.id}>
      {onSelect ? <RowCheckbox label={`Select ${file.name}`} checked={selected === true} onToggle={onSelect} /> : null}
      <CategoryIcon category={file.category} />
      <div className="file-main">
        <span className="name" title={file.paths?.[0] ?? file.name}>
          {file.name}
        </span>
        {editing ? (
          <form
            className="tags-form"
            onSubmit={(e) => {
              e.preventDefault();
              void saveTags();
            }}
          >
            <input aria-label={`Tags of ${file.name}`} value={draft} autoFocus onChange={(e) => setDraft(e.target.value)} placeholder="holiday, 2026" />
            <button type="submit" disabled={busy}>
              Save
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <span className="tags">
            {access?.restricted ? <RestrictedBadge devices={access.devices} /> : null}
            {/* The folder inside the shared folder: tells same-named files apart, and is searchable. */}
            {file.folder ? (
              <span className="folder" title={file.folder}>
                in {file.folder}
              </span>
            ) : null}
            {file.tags.map((t) => (
              <span key={t} className={file.userTags.includes(t) ? 'tag user' : 'tag'}>
                {t}
              </span>
            ))}
          </span>
        )}
      </div>
      <span className="size">{formatBytes(file.size)}</span>
      <div className="row-actions">
        <button
          type="button"
          className="link"
          // The name heard starts with the words seen (WCAG 2.5.3: voice users say what they see).
          aria-label={`${copyLabel('link', 'Copy link')}: ${file.name}`}
          onClick={() => void copy('link', actions.copyLink)}
        >
          {copyLabel('link', 'Copy link')}
        </button>
        <button
          type="button"
          className="link"
          title="The address of a BitTorrent v2 .torrent of this file: open it in qBittorrent or any libtorrent 2 client"
          aria-label={`${copyLabel('torrent', 'Copy .torrent')}: ${file.name}`}
          onClick={() => void copy('torrent', actions.copyTorrent)}
        >
          {copyLabel('torrent', 'Copy .torrent')}
        </button>
        {showInFolder && firstPath ? (
          <button type="button" className="link" aria-label={`Show ${file.name} in its folder`} onClick={() => void run(() => showInFolder(firstPath))}>
            Show
          </button>
        ) : null}
        <button
          type="button"
          className="link"
          onClick={() => {
            setDraft(file.userTags.join(', '));
            setEditing(true);
          }}
        >
          Tags
        </button>
        <button type="button" className="link" aria-label={`Details: ${file.name}`} onClick={() => setDetails(true)}>
          Details
        </button>
        {details ? <FileDetailsDialog file={file} access={access} onClose={() => setDetails(false)} /> : null}
        <ConfirmButton
          label="Unshare"
          ariaLabel={`Unshare ${file.name}`}
          question={`Stop sharing ${file.name}?`}
          confirm="Unshare"
          disabled={busy}
          onConfirm={() => void run(() => actions.unshare(file.id))}
        />
      </div>
    </div>
  );
}
