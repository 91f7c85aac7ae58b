// The desktop app's "Check for updates" switch and where the check stands. Windows and AppImage
// builds install a new release themselves when the app quits; the macOS build is not signed yet,
// so there the notice links to the release page. The main process does the checking (updates.ts);
// this view asks it every few seconds while it is open.
import { useEffect, useState } from 'react';
import type { UpdateStatus } from '../../../src-shared/api/update-status.js';
import { Switch } from '../../components/Switch.js';

export const STATUS_POLL_MS = 5000;

interface Props {
  enabled: boolean | undefined;
  busy: boolean;
  onToggle(on: boolean): void;
  getStatus(): Promise<UpdateStatus>;
}

export function UpdateSetting({ enabled, busy, onToggle, getStatus }: Props) {
  const [status, setStatus] = useState<UpdateStatus | null>(null);

  useEffect(() => {
    let live = true;
    const read = () => getStatus().then((s) => live && setStatus(s), () => undefined);
    read();
    const timer = setInterval(read, STATUS_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [getStatus, enabled]);

  return (
    <div className="update-setting">
      <Switch label="Check for updates" checked={enabled ?? false} disabled={busy || enabled === undefined} onChange={onToggle} />
      {status ? <UpdateNotice status={status} /> : null}
    </div>
  );
}

function UpdateNotice({ status }: { status: UpdateStatus }) {
  switch (status.state) {
    case 'off':
      return null;
    case 'checking':
      return <p className="muted" role="status">Checking for updates…</p>;
    case 'current':
      return <p className="muted" role="status">Shoal is up to date (checked {new Date(status.checkedAt).toLocaleString()}).</p>;
    case 'downloading':
      return (
        <p className="muted" role="status">
          Downloading Shoal {status.version}: <progress max={100} value={status.percent} aria-label="Update download" /> {Math.round(status.percent)}%
        </p>
      );
    case 'ready':
      return <p role="status">Shoal {status.version} is downloaded: it installs when you quit Shoal.</p>;
    case 'notify':
      return (
        <p role="status">
          Shoal {status.version} is available.{' '}
          <a href={status.releaseUrl} target="_blank" rel="noreferrer">Download it from its release page</a>{' '}
          (this build is not signed yet, so it cannot update itself).
        </p>
      );
    case 'failed':
      return <p className="muted" role="status">The last update check failed: {status.message}</p>;
  }
}
