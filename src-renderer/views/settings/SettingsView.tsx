import { useDomain, useStores } from '../../app/stores-context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { AccessControl } from './AccessControl.js';
import { DesktopSettings } from './DesktopSettings.js';
import { DhtSetting } from './DhtSetting.js';
import { IndexRoleSetting } from './IndexRoleSetting.js';
import { FederationSetting } from './FederationSetting.js';
import { IndexServersSetting } from './IndexServersSetting.js';
import { ThemeSetting } from './ThemeSetting.js';
import { ThisDevice } from './ThisDevice.js';
import { TransferSettingsForm } from './TransferSettingsForm.js';

export function SettingsView() {
  const error = useDomain('settings', (s) => s.error);
  const desktop = useStores().desktop;
  return (
    <div className="view settings-view">
      <ErrorNote message={error} />
      <section className="card" aria-label="This device">
        <h2>This device</h2>
        <ThisDevice />
      </section>
      <section className="card" aria-label="Node">
        <h2>Node</h2>
        {desktop ? <DesktopSettings desktop={desktop} /> : null}
        <IndexRoleSetting />
        <FederationSetting />
        <IndexServersSetting />
        <DhtSetting />
      </section>
      <AccessControl />
      <section className="card" aria-label="Transfer settings">
        <TransferSettingsForm />
      </section>
      <section className="card" aria-label="Appearance">
        <ThemeSetting />
      </section>
    </div>
  );
}
