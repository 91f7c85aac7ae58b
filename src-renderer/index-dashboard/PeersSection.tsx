// "Peers registered here": the pager (filter, "Showing 201–400 of 10,000", Previous and Next), the
// page of peers, and Previous and Next again under a long table.
import type { DashboardState, PeersView } from './dashboard-state.js';
import { PageButtons, PeersPager } from './PeersPager.js';
import { PEERS_TABLE_ID, PeersTable } from './PeersTable.js';

interface Props {
  state: Pick<DashboardState, 'peersView' | 'peers' | 'peersTotal'>;
  now: number;
  showPeers(view: PeersView): Promise<void>;
}

export function PeersSection({ state, now, showPeers }: Props) {
  const { peersView: view, peers, peersTotal: total } = state;
  return (
    <section className="card" aria-labelledby="peers-title">
      <h2 id="peers-title">Peers registered here</h2>
      {total > 0 || view.filter !== 'all' ? <PeersPager view={view} shown={peers.length} total={total} onShow={(next) => void showPeers(next)} /> : null}
      <PeersTable peers={peers} filter={view.filter} now={now} />
      <PageButtons
        view={view}
        total={total}
        label="Pages of peers, under the table"
        onShow={(next) => {
          // The next page starts at the top of the table: go there, the focus too.
          const table = document.getElementById(PEERS_TABLE_ID);
          table?.scrollIntoView({ block: 'start' });
          table?.focus({ preventScroll: true });
          void showPeers(next);
        }}
      />
    </section>
  );
}
