// Settings → "Federate with other index servers": the index servers this node's index federates
// with (from the config, added here, on the LAN, learned from each other) and whether each
// answers. Nothing in the event stream says so, so the block asks again while it is on screen.
import { createStore } from 'zustand/vanilla';
import type { FederationSettingsView } from '../../src-shared/api/federation.js';
import { splitIndexAddress } from '../../src-shared/api/index-address.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export interface FederationState {
  view: FederationSettingsView | null;
  error: string | null;
  load(): Promise<void>;
  /** Adds one index server; true when the node took it. */
  add(address: string): Promise<boolean>;
  remove(address: string): Promise<void>;
}

export function createFederationStore(api: Pick<NodeApi, 'getFederation' | 'setFederation'>) {
  return createStore<FederationState>()((set, get) => {
    const save = async (added: string[]): Promise<boolean> => {
      try {
        set({ view: await api.setFederation({ body: { added } }), error: null });
        return true;
      } catch (err) {
        set({ error: errorMessage(err) });
        return false;
      }
    };
    return {
      view: null,
      error: null,
      load: async () => {
        try {
          set({ view: await api.getFederation(), error: null });
        } catch (err) {
          set({ error: errorMessage(err) });
        }
      },
      add: (address) => save([...(get().view?.added ?? []), address]),
      remove: async (address) => {
        // An added entry may carry the server's id (host:port#NODEID); Settings names it by host:port.
        await save((get().view?.added ?? []).filter((a) => splitIndexAddress(a).address !== address));
      },
    };
  });
}
