// The federation beside the graph: this index server and those it federates with, each with its
// peers (registration links in the topology) and, for the others, the address it answers at.
import type { FederatedIndexServer } from '../../src-shared/api/federation.js';
import type { Topology } from '../../src-shared/api/index-routes.js';
import { formatAgo } from '../app/format.js';
import { peersPerIndex } from './dashboard-state.js';
import { NodeName } from '../components/PeerName.js';

export interface IndexServersTableProps {
  topology: Topology;
  indexId: string | null;
  federation: readonly FederatedIndexServer[];
  now: number;
}

export function IndexServersTable({ topology, indexId, federation, now }: IndexServersTableProps) {
  const counts = peersPerIndex(topology);
  const indexes = topology.nodes.filter((n) => n.role === 'index');
  const known = new Set(indexes.map((n) => n.id));
  // Federation members that have not answered (yet) are not in the topology: listed by address.
  const silent = federation.filter((s) => !s.indexId || !known.has(s.indexId));
  const addressOf = (id: string) => federation.find((s) => s.indexId === id);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Index servers, table">
      <table className="peers" aria-label="Index servers">
        <thead>
          <tr>
            <th scope="col">Index server</th>
            <th scope="col">Address</th>
            <th scope="col">Status</th>
            <th scope="col">Peers online</th>
          </tr>
        </thead>
        <tbody>
          {indexes.map((n) => {
            const member = addressOf(n.id);
            return (
              <tr key={n.id} data-testid="dash-index-row" data-you={n.id === indexId || undefined}>
                <td className="peer-cell">
                  <NodeName name={n.name} id={n.id} withShortId />
                  {n.id === indexId ? <span className="muted small"> (this one)</span> : null}
                </td>
                <td>{n.id === indexId ? <span className="muted">here</span> : (member?.address ?? '—')}</td>
                <td className={`status ${n.status}`}>{n.status}</td>
                <td>{(counts.get(n.id) ?? 0).toLocaleString()}</td>
              </tr>
            );
          })}
          {silent.map((s) => (
            <tr key={s.address} data-testid="dash-index-row">
              <td className="muted">not answering</td>
              <td>{s.address}</td>
              <td className="status offline">{s.lastSeen ? `last answered ${formatAgo(s.lastSeen, now)}` : 'never answered'}</td>
              <td>—</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
