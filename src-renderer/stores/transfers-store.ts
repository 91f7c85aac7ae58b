// Downloads and uploads: loaded once, then kept current by the node's transfer events.
import { createStore } from 'zustand/vanilla';
import type { DownloadBatchResult } from '../../src-shared/api/batch.js';
import type { DownloadView, UploadView } from '../../src-shared/api/transfers.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export interface TransfersState {
  downloads: DownloadView[];
  uploads: UploadView[];
  error: string | null;
  /** File ids whose download was just asked for (the button shows it at once). */
  starting: Record<string, boolean>;
  load(): Promise<void>;
  start(fileId: string, name?: string): Promise<DownloadView | null>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** One call for every download; the answer is the whole list. */
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  remove(id: string): Promise<void>;
  /** One call for several downloads; the rows take each answer (a cleared one leaves the list). */
  batch(action: DownloadBatchAction, ids: string[]): Promise<DownloadBatchResult | null>;
  /** Search's "download selected": one call; answers how many started. */
  startMany(files: { fileId: string; name: string }[]): Promise<DownloadBatchResult | null>;
  /** A transfer event: always the newest state of that download. */
  applyDownload(view: DownloadView): void;
  applyUploads(uploads: UploadView[]): void;
}

export type DownloadBatchAction = 'pause' | 'resume' | 'cancel' | 'clear';

export function createTransfersStore(api: NodeApi) {
  const batchCalls = {
    pause: api.pauseDownloads, resume: api.resumeDownloads, cancel: api.cancelDownloads, clear: api.clearDownloads,
  } satisfies Record<DownloadBatchAction, unknown>;
  // Events per download. An action's answer is the state when the node answered; an event that
  // arrived before the answer is newer (a small download can complete first), so it wins.
  const events = new Map<string, number>();
  return createStore<TransfersState>()((set) => {
    const put = (view: DownloadView) =>
      set((s) => {
        const at = s.downloads.findIndex((d) => d.id === view.id);
        if (at === -1) return { downloads: [view, ...s.downloads] };
        const downloads = s.downloads.slice();
        downloads[at] = view;
        return { downloads };
      });
    const answerIfNewest = (view: DownloadView, eventsBefore: number) => {
      if ((events.get(view.id) ?? 0) === eventsBefore) put(view);
    };
    const act = async (id: string, call: () => Promise<DownloadView>) => {
      const before = events.get(id) ?? 0;
      try {
        answerIfNewest(await call(), before);
        set({ error: null });
      } catch (err) {
        set({ error: errorMessage(err) });
      }
    };
    // The same rule for a whole list: a download with an event since the call keeps the event's state.
    const actOnAll = async (call: () => Promise<{ items: DownloadView[] }>) => {
      const before = new Map(events);
      try {
        const { items } = await call();
        set((s) => {
          const current = new Map(s.downloads.map((d) => [d.id, d]));
          const downloads = items.map((view) => ((events.get(view.id) ?? 0) === (before.get(view.id) ?? 0) ? view : (current.get(view.id) ?? view)));
          return { downloads, error: null };
        });
      } catch (err) {
        set({ error: errorMessage(err) });
      }
    };
    // A batch's answers, each under the same rule as one action's: a newer event wins.
    const applyBatch = (result: DownloadBatchResult, before: Map<string, number>, cleared: boolean) => {
      for (const r of result.results) if (r.download && (events.get(r.download.id) ?? 0) === (before.get(r.download.id) ?? 0)) put(r.download);
      if (cleared) {
        const gone = new Set(result.results.filter((r) => r.ok).map((r) => r.id));
        set((s) => ({ downloads: s.downloads.filter((d) => !gone.has(d.id)) }));
      }
    };
    return {
      downloads: [],
      uploads: [],
      error: null,
      starting: {},
      load: async () => {
        try {
          const [downloads, uploads] = await Promise.all([api.listDownloads(), api.listUploads()]);
          set({ downloads: downloads.items, uploads: uploads.items, error: null });
        } catch (err) {
          set({ error: errorMessage(err) });
        }
      },
      start: async (fileId, name) => {
        set((s) => ({ starting: { ...s.starting, [fileId]: true } }));
        try {
          const view = await api.startDownload({ body: { fileId, ...(name ? { name } : {}) } });
          answerIfNewest(view, 0);
          set({ error: null });
          return view;
        } catch (err) {
          set({ error: errorMessage(err) });
          return null;
        } finally {
          set((s) => ({ starting: { ...s.starting, [fileId]: false } }));
        }
      },
      pause: (id) => act(id, () => api.pauseDownload({ params: { downloadId: id } })),
      resume: (id) => act(id, () => api.resumeDownload({ params: { downloadId: id } })),
      pauseAll: () => actOnAll(() => api.pauseAllDownloads()),
      resumeAll: () => actOnAll(() => api.resumeAllDownloads()),
      remove: async (id) => {
        try {
          const view = await api.removeDownload({ params: { downloadId: id } });
          // Cancelling keeps a row (cancelled); removing a finished one drops it from the history.
          set((s) => ({
            downloads: view.state === 'cancelled' ? s.downloads.map((d) => (d.id === id ? view : d)) : s.downloads.filter((d) => d.id !== id),
            error: null,
          }));
        } catch (err) {
          set({ error: errorMessage(err) });
        }
      },
      batch: async (action, ids) => {
        const before = new Map(events);
        try {
          const result = await batchCalls[action]({ body: { ids } });
          applyBatch(result, before, action === 'clear');
          set({ error: null });
          return result;
        } catch (err) {
          set({ error: errorMessage(err) });
          return null;
        }
      },
      startMany: async (files) => {
        const before = new Map(events);
        try {
          const result = await api.startDownloads({ body: { files } });
          applyBatch(result, before, false);
          set({ error: null });
          return result;
        } catch (err) {
          set({ error: errorMessage(err) });
          return null;
        }
      },
      applyDownload: (view) => {
        events.set(view.id, (events.get(view.id) ?? 0) + 1);
        put(view);
      },
      applyUploads: (uploads) => set({ uploads }),
    };
  });
}
