import { useDomain, useStores } from '../../app/stores-context.js';

const stateText = { off: 'Off', starting: 'Starting…', on: 'On', stopping: 'Stopping…' } as const;

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
      <label className="switch-label">
        <input
          type="checkbox"
          role="switch"
          checked={role.enabled}
          disabled={saving || role.state === 'starting' || role.state === 'stopping'}
          onChange={(e) => void setIndexRole(e.target.checked)}
        />
        <span>Run as index server</span>
      </label>
      <p className="muted" data-testid="index-role-explained">
        This node then also keeps a file index: other peers register their files with it and search it, and peers on
        your network find it by themselves. Your own sharing and downloads work the same either way. Turned off, its
        index is kept on disk for next time.
      </p>
      <p data-testid="index-state">
        State: <strong>{stateText[role.state]}</strong>
        {address && role.state === 'on' ? (
          <>
            {' '}
            · address <code data-testid="index-address">{address}</code>
          </>
        ) : null}
      </p>
      {role.lastError ? <p className="error-inline">{role.lastError}</p> : null}
    </div>
  );
}
