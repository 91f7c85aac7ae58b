// The dashboard's data: the index's public JSON routes, read now and every REFRESH_MS while the tab
// is visible, and its /ws events applied as they come (a new peer shows at once). Every answer is
// parsed with the route's own schema. After a lost socket comes back, everything is asked again
// (events were missed). A change of peers also asks the lists again shortly after, for what events
// do not carry (display names, the federation's part of the topology). The peers come a page at a
// time: every refresh asks the page and filter the user is on, so the live updates never move them.
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { routePath } from '../../src-shared/api/contract-client.js';
import { ReconnectingSocket } from '../bridge/event-socket.js';
import type { ConnectionState, RawEvent } from '../bridge/transport.js';
import { applyEvent, changesPeers, initialState, pageCount, PEERS_PAGE_SIZE, type DashboardState, type PeersView } from './dashboard-state.js';

/** Heartbeats and the federation send no event: the lists are asked again this often. */
const REFRESH_MS = 10_000;
/** A burst of registrations asks the lists once. */
const SETTLE_MS = 300;

interface Schema<T> {
  parse(value: unknown): T;
}

type PeersPage = Pick<DashboardState, 'peersView' | 'peers' | 'peersTotal'>;

function peersPath({ page, filter }: PeersView): string {
  return routePath(indexRoutes.listPeers, { query: { page, pageSize: PEERS_PAGE_SIZE, status: filter === 'all' ? undefined : filter } });
}

export class IndexFeed {
  private state: DashboardState = initialState;
  private readonly listeners = new Set<() => void>();
  private socket: ReconnectingSocket | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private wasLost = false;
  /** The page the user asked for last; `state.peersView` is the one on screen (they differ while it loads). */
  private wantedPeers: PeersView = initialState.peersView;
  /** Counts the questions for a page of peers: only the latest one's answer is shown. */
  private peersAsked = 0;

  constructor(private readonly origin: string) {}

  readonly getState = (): DashboardState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    const ws = new URL('/ws', this.origin);
    ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
    this.socket = new ReconnectingSocket(ws.toString());
    this.socket.subscribe((event) => this.onEvent(event));
    this.socket.onConnection((connection) => this.onConnection(connection));
    document.addEventListener('visibilitychange', this.syncPolling);
    this.syncPolling();
  }

  stop(): void {
    this.socket?.close();
    clearTimeout(this.settleTimer);
    clearInterval(this.pollTimer);
    document.removeEventListener('visibilitychange', this.syncPolling);
  }

  /** Asks the four routes; a failure keeps what was shown and says why. */
  readonly refresh = async (): Promise<void> => {
    try {
      const [stats, peers, topology, federation] = await Promise.all([
        this.get('/api/v1/stats', indexRoutes.stats.response),
        this.askPeers(),
        this.get('/api/v1/topology', indexRoutes.topology.response),
        this.get('/api/v1/federation', federationRoutes.federationServers.response),
      ]);
      this.set({
        ...this.state, stats, statsAt: Date.now(), ...this.ifLatest(peers), topology,
        indexId: federation.indexId, federation: federation.servers, error: null,
      });
    } catch (err) {
      this.failed(err);
    }
  };

  /** Shows another page or filter of the peers: asks for that page alone, and refreshes keep it. */
  readonly showPeers = async (view: PeersView): Promise<void> => {
    this.wantedPeers = view;
    try {
      const peers = this.ifLatest(await this.askPeers());
      if (peers) this.set({ ...this.state, ...peers, error: null });
    } catch (err) {
      this.failed(err);
    }
  };

  /** The page of peers the user wants. Past the last page (peers left meanwhile), the last page instead. */
  private async askPeers(): Promise<{ asked: number; page: PeersPage }> {
    const asked = ++this.peersAsked;
    let view = this.wantedPeers;
    let answer = await this.get(peersPath(view), indexRoutes.listPeers.response);
    if (answer.items.length === 0 && view.page > pageCount(answer.total)) {
      view = { ...view, page: pageCount(answer.total) };
      answer = await this.get(peersPath(view), indexRoutes.listPeers.response);
    }
    return { asked, page: { peersView: view, peers: answer.items, peersTotal: answer.total } };
  }

  /** The page, unless a newer question was asked since (a click on Next while a refresh was out). */
  private ifLatest({ asked, page }: { asked: number; page: PeersPage }): PeersPage | undefined {
    if (asked !== this.peersAsked) return undefined;
    this.wantedPeers = page.peersView;
    return page;
  }

  private failed(err: unknown): void {
    this.set({ ...this.state, error: err instanceof Error ? err.message : String(err) });
  }

  private async get<T>(path: string, schema: Schema<T>): Promise<T> {
    const res = await fetch(new URL(path, this.origin), { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) throw new Error(`The index server answered ${res.status} to ${path}.`);
    return schema.parse(await res.json());
  }

  private onEvent(event: RawEvent): void {
    this.set(applyEvent(this.state, event, Date.now()));
    if (changesPeers(event.type)) {
      clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => void this.refresh(), SETTLE_MS);
    }
  }

  private onConnection(connection: ConnectionState): void {
    this.set({ ...this.state, connection });
    if (connection === 'lost') this.wasLost = true;
    if (connection === 'open' && this.wasLost) {
      this.wasLost = false;
      void this.refresh();
    }
  }

  /** Asks now and every REFRESH_MS while the tab is visible; a hidden tab asks nothing. */
  private readonly syncPolling = (): void => {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    if (document.visibilityState === 'hidden') return;
    void this.refresh();
    this.pollTimer = setInterval(() => void this.refresh(), REFRESH_MS);
  };

  private set(state: DashboardState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
