// Settings → Devices, Shared folders and Networks (issue 14, access control): the devices this
// node has seen by their keys (block, trust), who may see each shared folder, and the networks
// allowed on or blocked from its ports. Styles: access-control.css.
import { useEffect, useId, useState } from 'react';
import { networkSchema, type DeviceState, type SharedRoot } from '../../../src-shared/api/access.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import { formatAgo, formatBytes } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';
import { RootAccessControl, deviceName, rootName } from '../../components/RootAccessControl.js';
import { Switch } from '../../components/Switch.js';
import './access-control.css';

const DEVICES_REFRESH_MS = 5_000;
const stateText: Record<DeviceState, string> = { none: '', trusted: 'Trusted', blocked: 'Blocked' };

export function AccessControl() {
  const load = useDomain('access', (s) => s.load);
  const loadDevices = useDomain('access', (s) => s.loadDevices);
  const error = useDomain('access', (s) => s.error);
  useEffect(() => {
    void load();
  }, [load]);
  useVisiblePolling(loadDevices, DEVICES_REFRESH_MS);
  return (
    <>
      <section className="card access" aria-label="Devices">
        <h2>Devices</h2>
        {error ? <p className="error-inline" role="alert">{error}</p> : null}
        <DeviceList />
      </section>
      <section className="card access" aria-label="Shared folders">
        <h2>Who sees your shared folders</h2>
        <SharedRoots />
      </section>
      <section className="card access" aria-label="Networks">
        <h2>Networks</h2>
        <PlainHttpSwitch />
        <NetworkLists />
      </section>
    </>
  );
}

function DeviceList() {
  const devices = useDomain('access', (s) => s.devices);
  const busy = useDomain('access', (s) => s.busy);
  const setDeviceState = useDomain('access', (s) => s.setDeviceState);
  if (!devices) return null;
  if (devices.length === 0) {
    return (
      <p className="muted" data-testid="no-devices">
        No device has shown its key yet. Devices appear here once they download from you over an encrypted connection,
        register with your index server, or you download from them.
      </p>
    );
  }
  const now = Date.now();
  return (
    <>
      <p className="muted">
        A blocked device cannot download from you or register with your index server. Trusted devices are listed first.
      </p>
      <ul className="plain device-list" aria-label="Devices seen">
        {devices.map((d) => (
          <li key={d.id} className={`device ${d.state}`} data-testid="device">
            <div className="device-head">
              <strong className="device-name">{deviceName(d)}</strong>
              <code className="device-id" title={d.id} aria-label={`Node id ${d.id}`} tabIndex={0}>
                {shortNodeId(d.id)}
              </code>
              {d.state !== 'none' ? <span className={`device-state ${d.state}`}>{stateText[d.state]}</span> : null}
            </div>
            <div className="device-facts muted">
              <span title={new Date(d.lastSeen).toLocaleString()}>seen {formatAgo(d.lastSeen, now)}</span>
              <span aria-label={`sent ${formatBytes(d.bytesSent)}, received ${formatBytes(d.bytesReceived)}`}>
                {'\u2191'} {formatBytes(d.bytesSent)} {'\u2193'} {formatBytes(d.bytesReceived)}
              </span>
              {d.lastAddress ? <span className="device-address">{d.lastAddress}</span> : null}
            </div>
            <div className="device-actions">
              <button
                type="button"
                className={d.state === 'trusted' ? '' : 'secondary'}
                aria-pressed={d.state === 'trusted'}
                disabled={busy === d.id}
                onClick={() => void setDeviceState(d.id, d.state === 'trusted' ? 'none' : 'trusted')}
              >
                {d.state === 'trusted' ? 'Trusted' : 'Trust'}
              </button>
              <button
                type="button"
                className={d.state === 'blocked' ? 'danger' : 'secondary'}
                aria-pressed={d.state === 'blocked'}
                disabled={busy === d.id}
                onClick={() => void setDeviceState(d.id, d.state === 'blocked' ? 'none' : 'blocked')}
              >
                {d.state === 'blocked' ? 'Unblock' : 'Block'}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

function SharedRoots() {
  const roots = useDomain('access', (s) => s.roots);
  if (!roots) return null;
  if (roots.length === 0) return <p className="muted">Nothing is shared yet.</p>;
  return (
    <>
      <p className="muted">
        Shared with everyone, a folder&apos;s files are listed, searchable and downloadable by anyone who reaches this
        node. Shared with some devices only, nobody else sees them at all: they are not announced to index servers, and
        only those devices, proven by their keys over an encrypted connection, can download them.
      </p>
      <ul className="plain root-list" aria-label="Shared folders and files">
        {roots.map((r) => (
          <RootAccessRow key={r.path} root={r} />
        ))}
      </ul>
    </>
  );
}

function RootAccessRow({ root }: { root: SharedRoot }) {
  return (
    <li className="root" data-testid="shared-root">
      <div className="root-head">
        <span className="root-name" title={root.path}>
          <strong>{rootName(root)}</strong> <span className="muted root-path">{root.path}</span>
        </span>
        <span className="muted">
          {root.sharedFolder ? 'shared folder \u00b7 ' : ''}
          {root.fileCount} {root.fileCount === 1 ? 'file' : 'files'}
        </span>
      </div>
      <RootAccessControl root={root} />
    </li>
  );
}

/** Whether programs that don't speak Shoal's TLS may download (security.allow_plain_http, live). */
function PlainHttpSwitch() {
  const networks = useDomain('access', (s) => s.networks);
  const busy = useDomain('access', (s) => s.busy);
  const saveNetworks = useDomain('access', (s) => s.saveNetworks);
  if (!networks) return null;
  return (
    <div className="setting">
      <Switch
        label="Let programs without encryption download from this device"
        checked={networks.allowPlainHttp}
        disabled={busy === 'networks'}
        onChange={(on) => void saveNetworks({ allowPlainHttp: on })}
        description={
          <>
            Other Shoal nodes always use encryption. Plain HTTP is for curl, aria2c and BitTorrent clients (web seeds):
            anyone on the way can read what they fetch. Off, they get &ldquo;403 plain HTTP refused&rdquo;; you, on this
            computer, still can.
          </>
        }
      />
    </div>
  );
}

/** One network a line; blank lines and spaces around are ignored. */
const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

function NetworkLists() {
  const networks = useDomain('access', (s) => s.networks);
  const busy = useDomain('access', (s) => s.busy);
  const saveNetworks = useDomain('access', (s) => s.saveNetworks);
  const [allowed, setAllowed] = useState('');
  const [blocked, setBlocked] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const allowedId = useId();
  const blockedId = useId();
  const messageId = useId();
  // Re-seeded only when the saved lists change: saving the plain-HTTP switch replaces `networks`
  // too, and must not wipe what is typed here and not saved yet.
  const savedAllowed = networks?.allowedNetworks.join('\n');
  const savedBlocked = networks?.blockedNetworks.join('\n');
  useEffect(() => {
    if (savedAllowed === undefined || savedBlocked === undefined) return;
    setAllowed(savedAllowed);
    setBlocked(savedBlocked);
  }, [savedAllowed, savedBlocked]);
  if (!networks) return null;

  const submit = async () => {
    setSaved(false);
    const update = { allowedNetworks: lines(allowed), blockedNetworks: lines(blocked) };
    const bad = [...update.allowedNetworks, ...update.blockedNetworks].find((n) => !networkSchema.safeParse(n).success);
    if (bad !== undefined) {
      setProblem(`\u201c${bad}\u201d is not a network: write it like 192.168.1.0/24 or fd00::/8, or one address.`);
      return;
    }
    setProblem(null);
    const refused = await saveNetworks(update);
    if (refused) setProblem(refused);
    else setSaved(true);
  };

  return (
    <form
      className="networks"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p className="muted">
        Addresses in a blocked network get &ldquo;403 network blocked&rdquo; on this node&apos;s ports, and are never
        used or listed as sources. With an allow list, only its networks may connect. You, on this computer, are never
        locked out. One network per line, IPv4 or IPv6.
      </p>
      <div className="network-fields">
        <label htmlFor={allowedId}>
          Allowed networks <span className="muted">(empty: every network)</span>
        </label>
        <textarea
          id={allowedId}
          rows={3}
          value={allowed}
          placeholder={'192.168.1.0/24\nfd00::/8'}
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? messageId : undefined}
          onChange={(e) => {
            setAllowed(e.target.value);
            setSaved(false);
          }}
        />
        <label htmlFor={blockedId}>Blocked networks</label>
        <textarea
          id={blockedId}
          rows={3}
          value={blocked}
          placeholder="203.0.113.0/24"
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? messageId : undefined}
          onChange={(e) => {
            setBlocked(e.target.value);
            setSaved(false);
          }}
        />
      </div>
      <div className="row">
        <button type="submit" disabled={busy === 'networks'}>
          Save networks
        </button>
        {saved ? (
          <span className="muted" role="status">
            Saved
          </span>
        ) : null}
      </div>
      {problem ? (
        <p id={messageId} className="error-inline" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
