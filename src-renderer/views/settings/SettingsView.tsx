import { useDomain, useStores } from '../../app/stores-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { DesktopSettings } from './DesktopSettings.js';
import { IndexRoleSetting } from './IndexRoleSetting.js';
import { ThemeSetting } from './ThemeSetting.js';
import { TransferSettingsForm } from './TransferSettingsForm.js';

export function SettingsView() {
  const error = useDomain('settings', (s) => s.error);
  const info = useDomain('network', (s) => s.info);
  const connection = useDomain('network', (s) => s.indexConnection);
  const desktop = useStores().desktop;
  return (
    <div className="view settings-view">
      <ErrorNote message={error} />
      <section className="card" aria-label="This node">
        <h2>This node</h2>
        {info ? (
          <p className="muted">
            {info.name} · version {info.version} · peer port {info.port}
          </p>
        ) : null}
        {desktop ? <DesktopSettings desktop={desktop} /> : null}
        <IndexRoleSetting />
        {connection ? (
          <div className="setting">
            <h3>Index servers</h3>
            <p className="muted">
              {connection.server ? `Registered with ${connection.server}` : connection.state === 'idle' ? 'No index server known yet.' : `State: ${connection.state}`}
              {connection.lastError ? ` · ${connection.lastError}` : ''}
            </p>
            {connection.servers.length > 0 ? (
              <ul className="plain">
                {connection.servers.map((s) => (
                  <li key={s.address}>
                    <code>{s.address}</code> <span className="muted">({s.source}, {s.state})</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </section>
      <section className="card" aria-label="Transfer settings">
        <TransferSettingsForm />
      </section>
      <section className="card" aria-label="Appearance">
        <ThemeSetting />
      </section>
    </div>
  );
}
