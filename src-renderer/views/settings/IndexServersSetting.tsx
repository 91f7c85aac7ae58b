import { indexAddressSchema } from '../../../src-shared/api/index-address.js';
import type { IndexConnectionView, IndexServerSource } from '../../../src-shared/api/peer-routes.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import { formatAgo } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';
import { AddAddressForm } from '../../components/AddAddressForm.js';

// The registration moves by itself (a server answers, fails, is found on the LAN) and no event
// says so: look again while this block is on screen and the tab visible.
const REFRESH_MS = 2_000;

const sourceText: Record<IndexServerSource, string> = {
  added: 'added by you',
  configured: 'from config',
  discovered: 'found on your network',
  self: 'this node',
};

const stateText: Record<string, string> = {
  registered: 'registered',
  connecting: 'connecting\u2026',
  standby: 'standby',
  failing: 'not answering',
  away: 'away, retrying later',
};

type Server = IndexConnectionView['servers'][number];

const triedAgo = (iso: string | null, now: number) => (iso ? formatAgo(iso, now) : '');

/** What a row says: the registration's state, or for the others whether they answered when last asked. */
function serverText(s: Server, now: number): string {
  if (s.reachable === false && s.state !== 'registered') {
    return `not answering${s.lastError ? `: ${s.lastError}` : ''} \u00b7 tried ${triedAgo(s.lastTriedAt, now)}`;
  }
  const state = stateText[s.state] ?? s.state;
  if (s.reachable !== true || s.state !== 'standby') return state;
  return `${state} \u00b7 answers${s.rttMs !== null ? ` in ${Math.round(s.rttMs)} ms` : ''} (${triedAgo(s.lastTriedAt, now)})`;
}

/**
 * The server proved another node id than the one pinned for it (or given with it): said plainly,
 * since it may be someone in between as well as a reinstalled index server.
 */
function IdentityChanged({ server, onTrust }: { server: Server; onTrust: (address: string) => void }) {
  const identity = server.identity;
  if (!identity?.presented) return null;
  return (
    <div className="error-inline" data-testid="index-server-identity">
      It now proves the id <code>{shortNodeId(identity.presented)}</code>, not <code>{shortNodeId(identity.nodeId)}</code>
      {identity.given ? ' given in this node\u2019s configuration' : ' it proved before'}: nothing is sent to it. Someone may be in
      between, or the index server was set up again.{' '}
      {identity.given ? null : (
        <button type="button" aria-label={`Trust the new identity of ${server.address}`} onClick={() => onTrust(server.address)}>
          Trust the new identity
        </button>
      )}
    </div>
  );
}


/** The index servers this node knows and its registration; the user adds and removes their own. */
export function IndexServersSetting() {
  const connection = useDomain('network', (s) => s.indexConnection);
  const error = useDomain('network', (s) => s.indexServerError);
  const loadIndexConnection = useDomain('network', (s) => s.loadIndexConnection);
  const addIndexServer = useDomain('network', (s) => s.addIndexServer);
  const removeIndexServer = useDomain('network', (s) => s.removeIndexServer);
  const forgetIndexServerPin = useDomain('network', (s) => s.forgetIndexServerPin);

  useVisiblePolling(loadIndexConnection, REFRESH_MS);

  if (!connection) return null;

  return (
    <div className="setting">
      <h3>Index servers</h3>
      <p className="muted" data-testid="index-connection">
        {connection.server ? `Registered with ${connection.server}` : connection.state === 'idle' ? 'No index server known yet.' : `State: ${connection.state}`}
        {connection.lastError ? ` · ${connection.lastError}` : ''}
      </p>
      {connection.servers.length > 1 ? (
        <p className="muted" data-testid="index-servers-explained">
          This node registers with one index server at a time: the first in this list that answers. The others are on
          standby, asked now and then whether they answer, and used if it stops.
        </p>
      ) : null}
      {connection.servers.length > 0 ? (
        <ul className="plain" aria-label="Known index servers">
          {connection.servers.map((s) => (
            <li key={s.address} className="row" data-testid="index-server">
              <code>{s.address}</code>
              <span className="badge">{sourceText[s.source]}</span>
              <span className={s.reachable === false && s.state !== 'registered' ? 'error-inline' : 'muted'} data-testid="index-server-state">
                {serverText(s, Date.now())}
              </span>
              {s.source === 'added' ? (
                <button type="button" aria-label={`Remove ${s.address}`} onClick={() => void removeIndexServer(s.address)}>
                  Remove
                </button>
              ) : null}
              <IdentityChanged server={s} onTrust={(address) => void forgetIndexServerPin(address)} />
            </li>
          ))}
        </ul>
      ) : null}
      <p className="muted">
        Write <code>host:port#NODEID</code> with the index server&rsquo;s full node id to accept only that node there; without
        one, the id it proves the first time is the only one accepted afterwards.
      </p>
      <AddAddressForm label="Add an index server (host:port)" placeholder="192.168.1.20:8080" onAdd={addIndexServer} error={error} schema={indexAddressSchema} />
    </div>
  );
}
