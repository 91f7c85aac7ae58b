// Settings → "Find and offer sources without an index server": the BitTorrent DHT switch (off by
// default), with what turning it on gives and what it costs in privacy, said next to it.
import { useDomain } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';
import { Switch } from '../../components/Switch.js';

const REFRESH_MS = 5_000;
const stateText = { off: 'Off', starting: 'Starting\u2026', on: 'On', failed: 'Could not start' } as const;

export function DhtSetting() {
  const view = useDomain('dht', (s) => s.view);
  const error = useDomain('dht', (s) => s.error);
  const saving = useDomain('dht', (s) => s.saving);
  const load = useDomain('dht', (s) => s.load);
  const setEnabled = useDomain('dht', (s) => s.setEnabled);
  useVisiblePolling(load, REFRESH_MS);
  if (!view) return error ? <p className="error-inline">{error}</p> : null;
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  return (
    <div className="setting" data-testid="dht-setting">
      <Switch
        label="Find and offer sources without an index server"
        checked={view.enabled}
        disabled={saving || view.state === 'starting'}
        onChange={(on) => void setEnabled(on)}
        descriptionTestId="dht-explained"
        description={
          <>
            Downloads (a file id or a shoal:// link) then find sources even when no index server answers, through the
            BitTorrent DHT. In return this device announces the files it shares there:{' '}
            <strong>anyone on the DHT can see which files this device shares, by id, and its address.</strong> Files
            shared only with some devices are never announced. Searching by words still needs an index server.
            {view.mode === 'private' ? (
              <>
                {' '}
                Private DHT: only <code>{view.bootstrap.join(', ')}</code> (dht.bootstrap) and the nodes they know are
                contacted, never the public DHT.
              </>
            ) : null}
          </>
        }
      />
      <p data-testid="dht-state">
        State: <strong>{stateText[view.state]}</strong>
        {view.state === 'on' ? (
          <>
            {' '}
            · {plural(view.nodes, 'DHT node')} known · {plural(view.announced, 'file')} announced
            {view.port !== null ? <> · UDP port {view.port}</> : null}
          </>
        ) : null}
      </p>
      {error ?? view.lastError ? <p className="error-inline">{error ?? view.lastError}</p> : null}
    </div>
  );
}
