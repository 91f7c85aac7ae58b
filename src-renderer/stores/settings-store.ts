// Settings: this device (its id and display name), transfer limits and auto-share, the index
// server role (switched live), and the theme (kept in this browser only: it is about this
// screen, not the node).
import { createStore } from 'zustand/vanilla';
import type { IdentityView } from '../../src-shared/api/identity.js';
import type { IndexRoleView } from '../../src-shared/api/peer-routes.js';
import type { TransferSettings } from '../../src-shared/api/transfers.js';
import { ApiError, errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';
import { applyTheme, readTheme, saveTheme, type Theme } from '../app/theme.js';

type TransferUpdate = Partial<Omit<TransferSettings, 'downloadDirectory'>>;

const ROLE_POLL_MS = 250;

export interface SettingsState {
  identity: IdentityView | null;
  transfers: TransferSettings | null;
  indexRole: IndexRoleView | null;
  theme: Theme;
  error: string | null;
  saving: boolean;
  load(): Promise<void>;
  saveTransfers(update: TransferUpdate): Promise<boolean>;
  /** Sets the display name (null: back to the default); the node's refusal in its words, or null. */
  saveName(name: string | null): Promise<string | null>;
  /** `port`: listen there from now on (the configured one was taken). */
  setIndexRole(enabled: boolean, port?: number): Promise<void>;
  /** Asks the role again (while it waits for a taken port to free up). */
  loadIndexRole(): Promise<void>;
  setTheme(theme: Theme): void;
}

export function createSettingsStore(api: NodeApi) {
  return createStore<SettingsState>()((set, get) => ({
    identity: null,
    transfers: null,
    indexRole: null,
    theme: readTheme(),
    error: null,
    saving: false,
    load: async () => {
      try {
        const [identity, transfers, indexRole] = await Promise.all([api.getIdentity(), api.getTransferSettings(), api.getIndexRole()]);
        set({ identity, transfers, indexRole, error: null });
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
    saveName: async (name) => {
      try {
        set({ identity: await api.setIdentity({ body: { name } }) });
        return null;
      } catch (err) {
        return errorMessage(err);
      }
    },
    setIndexRole: async (enabled, port) => {
      set({ saving: true });
      try {
        let role = await api.setIndexRole({ body: port === undefined ? { enabled } : { enabled, port } });
        set({ indexRole: role });
        // The switch answers at once; starting or stopping the index port may take a moment.
        while (role.state === 'starting' || role.state === 'stopping') {
          await new Promise((resolve) => setTimeout(resolve, ROLE_POLL_MS));
          role = await api.getIndexRole();
          set({ indexRole: role });
        }
        set({ error: role.lastError, saving: false });
      } catch (err) {
        // A taken port is the role's own lastError, shown (with another port to use) by the switch,
        // and it clears by itself when the port frees up: not a page-wide error.
        const portTaken = err instanceof ApiError && err.code === 'PORT_IN_USE';
        set({ error: portTaken ? null : errorMessage(err), saving: false });
        void get().load();
      }
    },
    loadIndexRole: async () => {
      try {
        set({ indexRole: await api.getIndexRole() });
      } catch {
        // the banner tells when the node is gone; the last answer stays on screen
      }
    },
    setTheme: (theme) => {
      saveTheme(theme);
      applyTheme(theme);
      set({ theme });
    },
  }));
}
