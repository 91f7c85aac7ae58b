// Time series for the Dashboard: one sample every few seconds (each stats_update), kept for half
// an hour. Upload rate comes from the growth of bytes sent; download rate is the sum of running
// downloads' speeds at that moment.
import { createStore } from 'zustand/vanilla';
import type { NodeStats } from '../../src-shared/api/node.js';
import type { NodeApi } from '../bridge/node-client.js';

export const MAX_SAMPLES = 360;

export interface Sample {
  /** seconds since the epoch (uPlot's x unit) */
  t: number;
  files: number;
  totalBytes: number;
  uploadRate: number;
  downloadRate: number;
  activeUploads: number;
}

export interface DashboardState {
  samples: Sample[];
  latest: NodeStats | null;
  addStats(stats: NodeStats, downloadRate: number, at: number): void;
  /** The first sample, without waiting for the node's next stats_update. */
  load(downloadRate: number): Promise<void>;
}

export function createDashboardStore(api: Pick<NodeApi, 'getStats'>) {
  return createStore<DashboardState>()((set, get) => ({
    samples: [],
    latest: null,
    addStats: (stats, downloadRate, at) => {
      const { latest, samples } = get();
      const t = at / 1000;
      const previous = samples[samples.length - 1];
      const seconds = previous ? t - previous.t : 0;
      const sent = latest ? stats.uploads.bytesSent - latest.uploads.bytesSent : 0;
      const sample: Sample = {
        t, files: stats.files, totalBytes: stats.totalBytes, downloadRate, activeUploads: stats.uploads.active,
        uploadRate: seconds > 0 && sent > 0 ? sent / seconds : 0,
      };
      set({ latest: stats, samples: [...samples, sample].slice(-MAX_SAMPLES) });
    },
    load: async (downloadRate) => {
      try {
        get().addStats(await api.getStats(), downloadRate, Date.now());
      } catch {
        // the next stats_update fills it in
      }
    },
  }));
}
