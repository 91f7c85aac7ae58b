// Settings → "Find and offer sources without an index server" (the BitTorrent DHT): the switch
// and what the DHT is doing (nodes known, files announced). Nothing in the event stream says so,
// so the block asks again while it is on screen.
import { createStore } from 'zustand/vanilla';
import type { DhtSettingsView } from '../../src-shared/api/dht.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export interface DhtState {
  view: DhtSettingsView | null;
  error: string | null;
  saving: boolean;
  load(): Promise<void>;
  setEnabled(enabled: boolean): Promise<void>;
}

export function createDhtStore(api: Pick<NodeApi, 'getDhtSettings' | 'setDhtSettings'>) {
  return createStore<DhtState>()((set) => ({
    view: null,
    error: null,
    saving: false,
    load: async () => {
      try {
        set({ view: await api.getDhtSettings(), error: null });
      } catch (err) {
        set({ error: errorMessage(err) });
      }
    },
    setEnabled: async (enabled) => {
      set({ saving: true });
      try {
        const view = await api.setDhtSettings({ body: { enabled } });
        set({ view, error: view.lastError, saving: false });
      } catch (err) {
        set({ error: errorMessage(err), saving: false });
      }
    },
  }));
}
