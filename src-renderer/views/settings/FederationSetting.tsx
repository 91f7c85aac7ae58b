import type { FederationSettingsView } from '../../../src-shared/api/federation.js';
import { indexAddressSchema } from '../../../src-shared/api/index-address.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import { useDomain } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';
import { AddAddressForm } from '../../components/AddAddressForm.js';

// Servers join and leave by themselves (probes, the LAN, lists learned from others): look again
// while this block is on screen and the tab visible.
const REFRESH_MS = 3_000;

type Server = FederationSettingsView['servers'][number];

const originText: Record<Server['origin'], string> = {
  configured: 'from config',
  added: 'added by you',
  lan: 'found on your network',
  learned: 'learned from another index server',
};


/**
 * A server given with its id (host:port#NODEID) proved another one: refused, said plainly, since
 * it may be someone in between as well as a reinstalled index server.
 */
function IdentityRefused({ server }: { server: Server }) {
  const identity = server.identity;
  if (!identity?.presented) return null;
  return (
    <div className="error-inline" data-testid="federated-server-identity">
      It proves the id <code>{shortNodeId(identity.presented)}</code>, not <code>{shortNodeId(identity.nodeId)}</code> given with its
      address: no query goes to it. Someone may be in between, or the index server was set up again; to federate with the new
      one, give its new id ({server.origin === 'added' ? 'remove it and add it again' : 'in super_peer.federation'}).
    </div>
  );
}

/** "Federate with other index servers": shown while this node runs as an index server. */
export function FederationSetting() {
  const role = useDomain('settings', (s) => s.indexRole);
  return role?.enabled ? <Federation /> : null;
}

/** The block itself: mounted only while this node is an index server, so only then asks the node. */
function Federation() {
  const view = useDomain('federation', (s) => s.view);
  const error = useDomain('federation', (s) => s.error);
  const load = useDomain('federation', (s) => s.load);
  const add = useDomain('federation', (s) => s.add);
  const remove = useDomain('federation', (s) => s.remove);

  useVisiblePolling(load, REFRESH_MS);

  if (!view) return null;

  return (
    <div className="setting" data-testid="federation-setting">
      <h3>Federate with other index servers</h3>
      <p className="muted">
        A search or a download on this index server then also finds the files registered with these, and with the
        index servers they know. Nothing they answer is trusted: it is checked, and a server that is slow or down
        delays nothing for long.
      </p>
      {view.servers.length > 0 ? (
        <ul className="plain" aria-label="Federated index servers">
          {view.servers.map((s) => (
            <li key={s.address} className="row" data-testid="federated-server">
              <code>{s.address}</code>
              <span className="badge">{originText[s.origin]}</span>
              <span className={s.answering ? 'muted' : 'error-inline'}>{s.answering ? 'answers' : s.identity?.presented ? 'refused: another node' : s.lastSeen ? 'not answering' : 'not answered yet'}</span>
              {s.origin === 'added' ? (
                <button type="button" aria-label={`Stop federating with ${s.address}`} onClick={() => void remove(s.address)}>
                  Remove
                </button>
              ) : null}
              <IdentityRefused server={s} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No other index server yet.</p>
      )}
      <AddAddressForm label="Federate with (host:port of its index)" placeholder="192.168.1.30:8080 or 192.168.1.30:8080#NODEID" onAdd={add} error={error} schema={indexAddressSchema} />
    </div>
  );
}
