import { useDomain, useStores } from '../../app/stores-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { DesktopSettings } from './DesktopSettings.js';
import { IndexRoleSetting } from './IndexRoleSetting.js';
import { IndexServersSetting } from './IndexServersSetting.js';
import { ThemeSetting } from './ThemeSetting.js';
import { TransferSettingsForm } from './TransferSettingsForm.js';

export function SettingsView() {
  const error = useDomain('settings', (s) => s.error);
  const info = useDomain('network', (s) => s.info);
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
        <IndexServersSetting />
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
