// One store per domain, all fed by the bridge: its events keep them current without polling.
import type { Bridge } from '../bridge/create-bridge.js';
import { createAccessStore } from './access-store.js';
import { createDashboardStore } from './dashboard-store.js';
import { createDhtStore } from './dht-store.js';
import { createFederationStore } from './federation-store.js';
import { createLibraryStore } from './library-store.js';
import { createNetworkStore } from './network-store.js';
import { createSearchStore } from './search-store.js';
import { createSettingsStore } from './settings-store.js';
import { createTransfersStore } from './transfers-store.js';
import { createUnsharedStore } from './unshared-store.js';
import { createUploadsStore } from './uploads-store.js';

const LIBRARY_REFRESH_MS = 300;

export function createStores(bridge: Bridge) {
  const stores = {
    library: createLibraryStore(bridge.api),
    uploads: createUploadsStore(bridge),
    search: createSearchStore(bridge.api),
    transfers: createTransfersStore(bridge.api),
    network: createNetworkStore(bridge.api),
    settings: createSettingsStore(bridge.api),
    dashboard: createDashboardStore(bridge.api),
    dht: createDhtStore(bridge.api),
    federation: createFederationStore(bridge.api),
    access: createAccessStore(bridge.api),
    unshared: createUnsharedStore(bridge.api),
  };
  const downloadRate = () => stores.transfers.getState().downloads.reduce((sum, d) => sum + (d.state === 'downloading' ? d.speed : 0), 0);
  // Library changes come in bursts (a folder of files hashed): one refresh per burst.
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshLibrary = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      void stores.library.getState().refresh();
      // An unshare, a share again or an upload changes what is unshared too.
      void stores.unshared.getState().load();
    }, LIBRARY_REFRESH_MS);
  };
  let wasLost = false;
  const unsubscribe = [
    bridge.on('library_file_updated', refreshLibrary),
    bridge.on('library_file_removed', refreshLibrary),
    bridge.on('hashing_progress', (e) => stores.library.getState().applyHashing(e.data)),
    bridge.on('stats_update', (e) => {
      stores.library.getState().applyStats(e.data);
      stores.dashboard.getState().addStats(e.data, downloadRate(), Date.now());
    }),
    bridge.on('transfer_progress', (e) => stores.transfers.getState().applyDownload(e.data)),
    bridge.on('transfer_completed', (e) => stores.transfers.getState().applyDownload(e.data)),
    bridge.on('transfer_failed', (e) => stores.transfers.getState().applyDownload(e.data)),
    bridge.on('uploads_update', (e) => stores.transfers.getState().applyUploads(e.data)),
    bridge.onConnection((state) => {
      stores.network.getState().setConnection(state);
      // Back after a loss: what happened meanwhile came as no event, so ask again.
      if (state === 'open' && wasLost) {
        void stores.library.getState().refresh();
        void stores.unshared.getState().load();
        void stores.transfers.getState().load();
        void stores.settings.getState().load();
        void stores.network.getState().refresh();
        void stores.access.getState().load();
      }
      wasLost = state === 'lost';
    }),
  ];
  return {
    ...stores,
    desktop: bridge.desktop,
    downloadedFileUrl: (downloadId: string) => bridge.downloadedFileUrl(downloadId),
    downloadRate,
    dispose: () => {
      clearTimeout(refreshTimer);
      for (const off of unsubscribe) off();
      bridge.close();
    },
  };
}

export type Stores = ReturnType<typeof createStores>;
