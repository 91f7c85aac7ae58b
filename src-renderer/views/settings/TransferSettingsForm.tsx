import { useEffect, useState } from 'react';
import type { TransferSettings } from '../../../src-shared/api/transfers.js';
import { useDomain } from '../../app/stores-context.js';

const KIB = 1024;

interface Draft {
  down: string;
  up: string;
  uploads: string;
  share: boolean;
}

function toDraft(t: TransferSettings): Draft {
  return { down: String(Math.round(t.maxDownloadRate / KIB)), up: String(Math.round(t.maxUploadRate / KIB)), uploads: String(t.maxUploads), share: t.shareDownloads };
}

/** Bandwidth limits (KiB/s, 0 = unlimited), upload slots, auto-share of downloads; applied live. */
export function TransferSettingsForm() {
  const transfers = useDomain('settings', (s) => s.transfers);
  const saving = useDomain('settings', (s) => s.saving);
  const save = useDomain('settings', (s) => s.saveTransfers);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (transfers) setDraft(toDraft(transfers));
  }, [transfers]);
  if (!transfers || !draft) return null;
  const number = (text: string) => Math.max(0, Math.round(Number(text) || 0));
  return (
    <form
      className="setting"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        void save({
          maxDownloadRate: number(draft.down) * KIB,
          maxUploadRate: number(draft.up) * KIB,
          maxUploads: Math.max(1, number(draft.uploads)),
          shareDownloads: draft.share,
        }).then(setSaved);
      }}
    >
      <h3>Transfers</h3>
      <div className="fields">
        <label>
          Download limit (KiB/s, 0 = none)
          <input type="number" min={0} value={draft.down} onChange={(e) => setDraft({ ...draft, down: e.target.value })} />
        </label>
        <label>
          Upload limit (KiB/s, 0 = none)
          <input type="number" min={0} value={draft.up} onChange={(e) => setDraft({ ...draft, up: e.target.value })} />
        </label>
        <label>
          Uploads at once
          <input type="number" min={1} max={1000} value={draft.uploads} onChange={(e) => setDraft({ ...draft, uploads: e.target.value })} />
        </label>
      </div>
      <label className="check-label">
        <input type="checkbox" checked={draft.share} onChange={(e) => setDraft({ ...draft, share: e.target.checked })} />
        <span>Share what I download</span>
      </label>
      <p className="muted small">Downloads go to {transfers.downloadDirectory}</p>
      <div className="row">
        <button type="submit" disabled={saving}>
          Save
        </button>
        {saved ? <span className="muted" role="status">Saved</span> : null}
      </div>
    </form>
  );
}
