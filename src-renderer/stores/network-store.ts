// The link to the node: whether it answers (the "connection lost" banner), whether this page may
// use it (the token), who it is, and which index servers it knows (and those the user adds by hand).
import { createStore } from 'zustand/vanilla';
import type { Topology } from '../../src-shared/api/index-routes.js';
import type { NodeInfo } from '../../src-shared/api/node.js';
import type { IndexConnectionView } from '../../src-shared/api/peer-routes.js';
import { ApiError, errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';
import type { ConnectionState } from '../bridge/transport.js';

/** ok: the token works. no-token / unauthorized / forbidden: show the "open the link" page. */
export type AccessState = 'checking' | 'ok' | 'no-token' | 'unauthorized' | 'forbidden' | 'unreachable';

export interface NetworkState {
  connection: ConnectionState;
  access: AccessState;
  info: NodeInfo | null;
  indexConnection: IndexConnectionView | null;
  topology: Topology | null;
  topologyError: string | null;
  /** The node's answer to the last add or remove of an index server, in its own words. */
  indexServerError: string | null;
  /** Adds an index server by hand; true when the node took it. */
  addIndexServer(address: string): Promise<boolean>;
  removeIndexServer(address: string): Promise<void>;
  /** "Trust the new identity": forgets the node id pinned for an index server. */
  forgetIndexServerPin(address: string): Promise<void>;
  loadTopology(): Promise<void>;
  /** Asks which index servers the node knows and how its registration goes. */
  loadIndexConnection(): Promise<void>;
  /** Asks the node who it is and checks the token with a control call. */
  check(hasToken: boolean): Promise<void>;
  refresh(): Promise<void>;
  setConnection(state: ConnectionState): void;
}

export function createNetworkStore(api: NodeApi) {
  let topologyText = ''; // the last topology kept, as JSON: each poll compares against it
  return createStore<NetworkState>()((set, get) => ({
    connection: 'connecting',
    access: 'checking',
    info: null,
    indexConnection: null,
    topology: null,
    topologyError: null,
    indexServerError: null,
    addIndexServer: async (address) => {
      try {
        set({ indexConnection: await api.addIndexServer({ body: { address } }), indexServerError: null });
        return true;
      } catch (err) {
        set({ indexServerError: errorMessage(err) });
        return false;
      }
    },
    removeIndexServer: async (address) => {
      try {
        set({ indexConnection: await api.removeIndexServer({ params: { address } }), indexServerError: null });
      } catch (err) {
        set({ indexServerError: errorMessage(err) });
      }
    },
    forgetIndexServerPin: async (address) => {
      try {
        set({ indexConnection: await api.forgetIndexServerPin({ params: { address } }), indexServerError: null });
      } catch (err) {
        set({ indexServerError: errorMessage(err) });
      }
    },
    loadTopology: async () => {
      try {
        const topology = await api.getNetworkTopology();
        // The same answer again (the usual case every 3 s) keeps the old object: nothing re-renders
        // and the graph's layout stays at rest.
        const text = JSON.stringify(topology);
        const same = text === topologyText;
        topologyText = text;
        set(same ? { topologyError: null } : { topology, topologyError: null });
      } catch (err) {
        set({ topologyError: errorMessage(err) });
      }
    },
    loadIndexConnection: async () => {
      if (get().access !== 'ok') return;
      try {
        set({ indexConnection: await api.getIndexConnection() });
      } catch {
        // the banner tells when the node is gone; the last answer stays on screen
      }
    },
    check: async (hasToken) => {
      try {
        set({ info: await api.getInfo() });
      } catch {
        set({ access: 'unreachable' });
        return;
      }
      // Without a token in the address or this tab, the browser may still hold the node's token
      // cookie (set by the link, HttpOnly so unreadable here): the control call tells.
      try {
        set({ indexConnection: await api.getIndexConnection(), access: 'ok' });
      } catch (err) {
        const code = err instanceof ApiError ? err.code : '';
        const refused = hasToken ? 'unauthorized' : 'no-token';
        set({ access: code === 'FORBIDDEN_REMOTE' ? 'forbidden' : code === 'UNAUTHORIZED' ? refused : 'unreachable' });
      }
    },
    refresh: async () => {
      if (get().access !== 'ok') return;
      try {
        const [info, indexConnection] = await Promise.all([api.getInfo(), api.getIndexConnection()]);
        set({ info, indexConnection });
      } catch {
        // the banner tells when the node is gone; the last answer stays on screen
      }
    },
    setConnection: (connection) => set({ connection }),
  }));
}
