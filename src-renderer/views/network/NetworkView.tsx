// The network as the index server sees it, refreshed every few seconds while this view is open and
// the tab visible, with a table of the same nodes for reading (and for screen readers).
import { useDomain, useStores } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { PeerName } from '../../components/PeerName.js';
import { Reputation, ReputationHelp } from '../../components/Reputation.js';
import { TopologyGraph } from './TopologyGraph.js';

const REFRESH_MS = 3_000;

export function NetworkView() {
  const topology = useDomain('network', (s) => s.topology);
  const error = useDomain('network', (s) => s.topologyError);
  const load = useDomain('network', (s) => s.loadTopology);
  const selfId = useDomain('network', (s) => s.info?.id ?? null);
  const indexPort = useDomain('network', (s) => s.info?.indexPort ?? null);
  const refreshInfo = useDomain('network', (s) => s.refresh);
  // The desktop app's page comes from app://shoal, not from the node's address.
  const host = useStores().desktop ? '127.0.0.1' : location.hostname;

  useVisiblePolling(load, REFRESH_MS);
  useVisiblePolling(refreshInfo, REFRESH_MS); // whether this node runs an index, and where

  const peers = topology?.nodes ?? [];
  return (
    <div className="view network-view">
      <ErrorNote message={error} />
      {!topology ? (
        error ? null : <EmptyState title="Asking the index server…" />
      ) : (
        <>
          <section className="card" aria-label="Network graph">
            <div className="card-head">
              <h2>Network</h2>
              <span className="muted">
                {peers.filter((n) => n.role === 'peer' && n.status === 'online').length} peers online · {peers.filter((n) => n.role === 'index').length} index server(s)
              </span>
            </div>
            {indexPort !== null ? (
              <p className="muted" data-testid="own-index">
                This device is an index server too, at <code>{host}:{indexPort}</code> (
                {topology.edges.filter((e) => e.kind === 'registration' && e.target === selfId).length} registered with it).
              </p>
            ) : null}
            <TopologyGraph topology={topology} selfId={selfId} />
          </section>
          <section className="card" aria-label="Nodes">
            <h2>Nodes</h2>
            <div className="table-scroll">
              <table className="peers">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Files</th>
                    <th scope="col">
                      <abbr title="0 to 100, new peers start at 50: see below">Reputation</abbr>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {peers.map((n) => (
                    // An index server registered with itself is listed twice (index, peer) under one id.
                    <tr key={`${n.role}:${n.id}`} data-testid="peer-row" data-you={n.id === selfId || undefined}>
                      <td className="peer-cell">
                        <PeerName name={n.name} id={n.id} />
                      </td>
                      <td>{n.role === 'index' ? 'index server' : 'peer'}</td>
                      <td className={`status ${n.status}`}>{n.status}</td>
                      <td>{n.fileCount.toLocaleString()}</td>
                      <td>{n.role === 'index' ? <span className="muted" title="Index servers keep the scores; they have none themselves.">—</span> : <Reputation value={n.reputation} />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ReputationHelp />
          </section>
        </>
      )}
    </div>
  );
}
