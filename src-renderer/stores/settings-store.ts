// Settings: transfer limits and auto-share, the index server role (switched live), and the theme
// (kept in this browser only: it is about this screen, not the node).
import { createStore } from 'zustand/vanilla';
import type { IndexRoleView } from '../../src-shared/api/peer-routes.js';
import type { TransferSettings } from '../../src-shared/api/transfers.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';
import { applyTheme, readTheme, saveTheme, type Theme } from '../app/theme.js';

type TransferUpdate = Partial<Omit<TransferSettings, 'downloadDirectory'>>;

const ROLE_POLL_MS = 250;

export interface SettingsState {
  transfers: TransferSettings | null;
  indexRole: IndexRoleView | null;
  theme: Theme;
  error: string | null;
  saving: boolean;
  load(): Promise<void>;
  saveTransfers(update: TransferUpdate): Promise<boolean>;
  setIndexRole(enabled: boolean): Promise<void>;
  setTheme(theme: Theme): void;
}

export function createSettingsStore(api: NodeApi) {
  return createStore<SettingsState>()((set, get) => ({
    transfers: null,
    indexRole: null,
    theme: readTheme(),
    error: null,
    saving: false,
    load: async () => {
      try {
        const [transfers, indexRole] = await Promise.all([api.getTransferSettings(), api.getIndexRole()]);
        set({ transfers, indexRole, error: null });
      } catch (err) {
        set({ error: errorMessage(err) });
      }
    },
    saveTransfers: async (update) => {
      set({ saving: true });
      try {
        set({ transfers: await api.setTransferSettings({ body: update }), error: null, saving: false });
        return true;
      } catch (err) {
        set({ error: errorMessage(err), saving: false });
        return false;
      }
    },
    setIndexRole: async (enabled) => {
      set({ saving: true });
      try {
        let role = await api.setIndexRole({ body: { enabled } });
        set({ indexRole: role });
        // The switch answers at once; starting or stopping the index port may take a moment.
        while (role.state === 'starting' || role.state === 'stopping') {
          await new Promise((resolve) => setTimeout(resolve, ROLE_POLL_MS));
          role = await api.getIndexRole();
          set({ indexRole: role });
        }
        set({ error: role.lastError, saving: false });
      } catch (err) {
        set({ error: errorMessage(err), saving: false });
        void get().load();
      }
    },
    setTheme: (theme) => {
      saveTheme(theme);
      applyTheme(theme);
      set({ theme });
    },
  }));
}
