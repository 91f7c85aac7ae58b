// One page of the peers registered with this index server (GET /api/v1/peers, online first), live.
import type { IndexPeer } from '../../src-shared/api/index-routes.js';
import { formatAgo } from '../app/format.js';
import { Reputation, ReputationHelp } from '../components/Reputation.js';
import { NodeName } from '../components/PeerName.js';
import type { PeerFilter } from './dashboard-state.js';

/** The table's id: Next under the table brings the focus back to its top. */
export const PEERS_TABLE_ID = 'peers-table';

const NONE = {
  all: 'No peer has registered with this index server yet.',
  online: 'No peer registered here is online.',
  offline: 'No peer registered here is offline.',
} as const;

export function PeersTable({ peers, filter, now }: { peers: readonly IndexPeer[]; filter: PeerFilter; now: number }) {
  if (!peers.length) return <p className="muted" data-testid="no-peers">{NONE[filter]}</p>;
  return (
    <>
      <div className="table-scroll" id={PEERS_TABLE_ID} tabIndex={0} role="region" aria-label="Peers registered here, table">
        <table className="peers">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Files</th>
              <th scope="col">
                <abbr title="0 to 100, new peers start at 50: see below">Reputation</abbr>
              </th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <tr key={p.peerId} data-testid="dash-peer-row" data-peer-id={p.peerId}>
                <td className="peer-cell">
                  <NodeName name={p.name} id={p.peerId} withShortId />
                </td>
                <td className={`status ${p.status}`}>{p.status}</td>
                <td>{p.fileCount.toLocaleString()}</td>
                <td>
                  <Reputation value={p.reputation} />
                </td>
                <td title={p.lastSeen}>{formatAgo(p.lastSeen, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ReputationHelp />
    </>
  );
}
