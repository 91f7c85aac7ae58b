// The page: which index server this is and that the page only reads, its stats, the federation's
// topology (the app's Network graph) and the peers registered here, all live.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { shortNodeId } from '../../src-shared/node-id.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { TopologyGraph } from '../views/network/TopologyGraph.js';
import { indexName, type DashboardState, type PeersView } from './dashboard-state.js';
import { IndexServersTable } from './IndexServersTable.js';
import { PeersSection } from './PeersSection.js';
import { StatsTiles } from './StatsTiles.js';

export interface DashboardFeed {
  getState(): DashboardState;
  subscribe(listener: () => void): () => void;
  /** Shows another page or filter of the peers (kept by every refresh after). */
  showPeers(view: PeersView): Promise<void>;
}

/** The time now, once a second: uptime and "last seen" move between updates. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const CONNECTION_WORDS = { connecting: 'Connecting…', open: 'Live', lost: 'Reconnecting…' } as const;

export function IndexDashboard({ feed, host }: { feed: DashboardFeed; host: string }) {
  const state = useSyncExternalStore(feed.subscribe, feed.getState);
  const now = useNow();
  const name = indexName(state);
  useEffect(() => {
    document.title = `${name ?? host} · Shoal index server (read-only)`;
  }, [name, host]);

  return (
    <main className="dash">
      <header className="card dash-head">
        <div className="card-head">
          <h1>
            Shoal index server{name ? <>: <span data-testid="index-name">{name}</span></> : null}
          </h1>
          <span className={`live-state ${state.connection}`} data-testid="live-state" aria-live="polite">
            {CONNECTION_WORDS[state.connection]}
          </span>
        </div>
        <p className="muted">
          At <code>{host}</code>
          {state.indexId ? (
            <>
              {' '}· node id <code className="mono" title={state.indexId} data-testid="index-id">{shortNodeId(state.indexId)}</code>
            </>
          ) : null}
        </p>
        <p className="read-only" role="note" data-testid="read-only-note">
          <strong>Read-only.</strong> This page shows what this index server tells anyone on its public API (the peers
          registered here, their files and the network around it) and changes nothing. Its owner controls it from the
          Shoal app; peers join it by adding <code>{host}</code> as an index server.
        </p>
      </header>
      <ErrorNote message={state.error ? `Could not read the index server: ${state.error}` : null} />

      <section className="card" aria-labelledby="stats-title">
        <h2 id="stats-title">Stats</h2>
        {state.stats ? <StatsTiles stats={state.stats} uptimeSeconds={state.stats.uptimeSeconds + Math.max(0, now - state.statsAt) / 1000} /> : <p className="muted">Loading…</p>}
      </section>

      <section className="card" aria-labelledby="topology-title">
        <div className="card-head">
          <h2 id="topology-title">Topology</h2>
          {state.topology ? (
            <span className="muted">
              {state.topology.nodes.filter((n) => n.role === 'index').length} index server(s) ·{' '}
              {state.topology.nodes.filter((n) => n.role === 'peer' && n.status === 'online').length} peers online
            </span>
          ) : null}
        </div>
        {state.topology ? (
          <>
            <TopologyGraph topology={state.topology} />
            <IndexServersTable topology={state.topology} indexId={state.indexId} federation={state.federation} now={now} />
          </>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>

      <PeersSection state={state} now={now} showPeers={feed.showPeers} />
    </main>
  );
}
