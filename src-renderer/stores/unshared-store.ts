// Files the user stopped sharing (issue 16, item 15): Share's "Unshared (N)" list, sharing them
// again, and the Undo offered right after an unshare (which shares again the paths it removed).
import { createStore } from 'zustand/vanilla';
import type { UnshareBatchResult } from '../../src-shared/api/batch.js';
import type { PathBatchResult, UnsharedFile } from '../../src-shared/api/unshared.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export const UNSHARED_PAGE_SIZE = 100;

/** The last unshare, while it can be undone: how many files, and every path they left. */
export interface LastUnshare {
  files: number;
  paths: string[];
}

export interface UnsharedState {
  /** How many files are unshared; -1 until known. */
  total: number;
  /** The loaded rows, most recently unshared first. */
  items: UnsharedFile[];
  error: string | null;
  /** The search box's text: the server lists only paths containing it ('' lists all). */
  search: string;
  lastUnshare: LastUnshare | null;
  /** Loads the first page again (after library changes). */
  load(): Promise<void>;
  /** Lists only the paths containing `text`, from the first page. */
  setSearch(text: string): Promise<void>;
  /** Appends the next page. */
  more(): Promise<void>;
  reshare(paths: string[]): Promise<PathBatchResult>;
  /** Offers to undo an unshare (one file's removed paths, or a batch's answer). */
  noteUnshared(undo: LastUnshare): void;
  /** Shares again what the last unshare removed; null when there is nothing to undo. */
  undo(): Promise<PathBatchResult | null>;
  dismissUndo(): void;
}

/** What an unshare batch can undo: the files that left, and their paths. */
export function undoOf(result: UnshareBatchResult): LastUnshare {
  const done = result.results.filter((r) => r.ok);
  return { files: done.length, paths: done.flatMap((r) => r.removedPaths ?? []) };
}

export function createUnsharedStore(api: NodeApi) {
  return createStore<UnsharedState>()((set, get) => {
    const page = (n: number) => {
      const q = get().search.trim();
      return api.listUnshared({ query: { page: n, pageSize: UNSHARED_PAGE_SIZE, ...(q ? { q } : {}) } });
    };
    // Only the answer for the latest search lands: a slow answer to older text is dropped.
    let asked = 0;
    return {
      total: -1,
      items: [],
      error: null,
      search: '',
      lastUnshare: null,
      load: async () => {
        const ask = ++asked;
        try {
          const answer = await page(1);
          if (ask === asked) set({ total: answer.total, items: answer.items, error: null });
        } catch (err) {
          if (ask === asked) set({ error: errorMessage(err) });
        }
      },
      setSearch: async (text) => {
        set({ search: text });
        await get().load();
      },
      more: async () => {
        const { items, total } = get();
        if (items.length >= total) return;
        const ask = asked;
        try {
          const answer = await page(Math.floor(items.length / UNSHARED_PAGE_SIZE) + 1);
          if (ask !== asked) return; // the search changed meanwhile: its first page is on its way
          const known = new Set(items.map((f) => f.path));
          set({ total: answer.total, items: [...items, ...answer.items.filter((f) => !known.has(f.path))], error: null });
        } catch (err) {
          set({ error: errorMessage(err) });
        }
      },
      reshare: async (paths) => {
        const result = await api.reshareFiles({ body: { paths } });
        const back = new Set(result.results.filter((r) => r.ok).map((r) => r.path));
        // Gone from the list at once; the library lists them once hashed again.
        set((s) => ({ items: s.items.filter((f) => !back.has(f.path)), total: Math.max(0, s.total - back.size) }));
        void get().load();
        return result;
      },
      noteUnshared: (undo) => {
        set({ lastUnshare: undo.files > 0 && undo.paths.length > 0 ? undo : null });
        void get().load();
      },
      undo: async () => {
        const last = get().lastUnshare;
        if (!last) return null;
        set({ lastUnshare: null });
        return get().reshare(last.paths);
      },
      dismissUndo: () => set({ lastUnshare: null }),
    };
  });
}
