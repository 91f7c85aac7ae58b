import { useDomain, useStores } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';
import { Switch } from '../../components/Switch.js';

const stateText = { off: 'Off', starting: 'Starting…', on: 'On', stopping: 'Stopping…' } as const;
/** How often the page asks again while the index port is taken (the node retries it by itself). */
const PORT_WAIT_POLL_MS = 1_000;

/** "Run as index server": promotes this node to a super-peer live, and shows where it answers. */
export function IndexRoleSetting() {
  const role = useDomain('settings', (s) => s.indexRole);
  const saving = useDomain('settings', (s) => s.saving);
  const setIndexRole = useDomain('settings', (s) => s.setIndexRole);
  // The desktop app's page comes from app://shoal, not from the node's address.
  const host = useStores().desktop ? '127.0.0.1' : location.hostname;
  if (!role) return null;
  const address = role.port !== null ? `${host}:${role.port}` : null;
  return (
    <div className="setting">
      <Switch
        label="Run as index server"
        checked={role.enabled}
        disabled={saving || role.state === 'starting' || role.state === 'stopping'}
        onChange={(on) => void setIndexRole(on)}
        descriptionTestId="index-role-explained"
        description={
          <>
            This node then also keeps a file index: other peers register their files with it and search it, and peers on
            your network find it by themselves. Your own sharing and downloads work the same either way. Turned off, its
            index is kept on disk for next time.
          </>
        }
      />
      <p data-testid="index-state">
        State: <strong>{role.waitingForPort && role.state === 'off' ? 'Waiting for the port' : stateText[role.state]}</strong>
        {address && role.state === 'on' ? (
          <>
            {' '}
            · address <code data-testid="index-address">{address}</code>
          </>
        ) : null}
      </p>
      {role.lastError ? <p className="error-inline">{role.lastError}</p> : null}
      {role.waitingForPort ? <PortWait suggestedPort={role.suggestedPort ?? null} disabled={saving} onUse={(port) => void setIndexRole(true, port)} /> : null}
    </div>
  );
}

/** The index port is taken: the node tries it again by itself; meanwhile another free port is offered. */
function PortWait({ suggestedPort, disabled, onUse }: { suggestedPort: number | null; disabled: boolean; onUse: (port: number) => void }) {
  const loadIndexRole = useDomain('settings', (s) => s.loadIndexRole);
  useVisiblePolling(loadIndexRole, PORT_WAIT_POLL_MS); // this message goes once the port frees up
  return (
    <p className="muted" data-testid="index-port-wait">
      The index starts by itself as soon as that port is free.
      {suggestedPort !== null ? (
        <>
          {' '}Or use a free one:{' '}
          <button type="button" disabled={disabled} onClick={() => onUse(suggestedPort)}>
            Use port {suggestedPort} instead
          </button>
        </>
      ) : null}
    </p>
  );
}
