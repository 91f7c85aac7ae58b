// The desktop app's folders (picked with the native folder picker), ports (the node restarts with
// them), launch at login and updates. Shown only in the desktop app: a browser cannot restart the node it
// talks to, so `shoal serve` takes these as flags.
import { useCallback, useEffect, useState } from 'react';
import type { DesktopSettings as Settings } from '../../../src-shared/api/ipc-contract.js';
import { errorMessage } from '../../bridge/api-error.js';
import type { DesktopApi } from '../../bridge/desktop-api.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Switch } from '../../components/Switch.js';
import { PortsForm } from './PortsForm.js';
import { UpdateSetting } from './UpdateSetting.js';

const folders = [
  { key: 'sharedDirectory', label: 'Shared folder', title: 'Folder to share' },
  { key: 'downloadDirectory', label: 'Downloads folder', title: 'Folder for downloads' },
] as const;

export function DesktopSettings({ desktop }: { desktop: DesktopApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    desktop.getDesktopSettings({}).then(setSettings, (err: unknown) => setError(errorMessage(err)));
  }, [desktop]);

  const change = async (update: Parameters<DesktopApi['setDesktopSettings']>[0]) => {
    setBusy(true);
    setError(null);
    try {
      setSettings(await desktop.setDesktopSettings(update));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const updateStatus = useCallback(() => desktop.getUpdateStatus({}), [desktop]);
  const pick = async (key: (typeof folders)[number]['key'], title: string) => {
    const { path } = await desktop.chooseFolder({ title });
    if (path) await change({ [key]: path });
  };

  return (
    <div className="setting" aria-busy={busy}>
      <h3>Folders</h3>
      <ErrorNote message={error} />
      {folders.map(({ key, label, title }) => (
        <p key={key} className="folder-setting">
          <span>{label}: </span>
          <code>{settings?.[key] ?? '…'}</code>{' '}
          <button type="button" className="secondary" disabled={busy || !settings} onClick={() => void pick(key, title).catch((err: unknown) => setError(errorMessage(err)))}>
            Change…
          </button>
        </p>
      ))}
      <PortsForm
        current={settings}
        busy={busy}
        onSave={(ports) => change(ports)}
      />
      <Switch
        label="Start Shoal when I log in"
        checked={settings?.launchAtLogin ?? false}
        disabled={busy || !settings}
        onChange={(on) => void change({ launchAtLogin: on })}
      />
      <UpdateSetting
        enabled={settings?.checkForUpdates}
        busy={busy}
        onToggle={(on) => void change({ checkForUpdates: on })}
        getStatus={updateStatus}
      />
    </div>
  );
}
