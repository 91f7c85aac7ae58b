// The library: what this node shares, loaded a page at a time as the list scrolls (a library can
// hold 100,000 files; only what is on screen is fetched), plus hashing progress and statistics.
import { createStore } from 'zustand/vanilla';
import type { BatchResult, UnshareBatchResult } from '../../src-shared/api/batch.js';
import type { HashingStatus, SharedFile } from '../../src-shared/api/library.js';
import type { ListFilesFilter } from '../../src-shared/api/library-query.js';
import type { NodeStats } from '../../src-shared/api/node.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export const LIBRARY_PAGE_SIZE = 200;

export interface LibraryState {
  /** Files in the library; -1 until the first page arrives. */
  total: number;
  /** Loaded pages by number (1-based), each LIBRARY_PAGE_SIZE rows. */
  pages: Record<number, SharedFile[]>;
  error: string | null;
  /** What the list shows: words, a category, the order (Share's search box, filter and sort). */
  filter: ListFilesFilter;
  hashing: HashingStatus | null;
  stats: NodeStats | null;
  /** Makes sure the rows from..to (0-based, inclusive) are loaded or on their way. */
  ensureRows(from: number, to: number): void;
  /** Reloads the loaded pages (after library events), keeping the old rows on screen meanwhile. */
  refresh(): Promise<void>;
  /** Resolves to the paths the file left (what an Undo shares again). */
  unshare(id: string): Promise<string[]>;
  setTags(id: string, tags: string[]): Promise<void>;
  setFilter(change: Partial<ListFilesFilter>): void;
  /** Every file matching the filter (at most 10,000): Share's "select all". */
  matchingIds(): Promise<string[]>;
  unshareMany(ids: string[]): Promise<UnshareBatchResult>;
  tagMany(ids: string[], add: string[]): Promise<BatchResult>;
  applyHashing(status: HashingStatus): void;
  applyStats(stats: NodeStats): void;
}

export function createLibraryStore(api: NodeApi) {
  const inFlight = new Set<number>();
  return createStore<LibraryState>()((set, get) => {
    const list = (page: number) => api.listFiles({ query: { page, pageSize: LIBRARY_PAGE_SIZE, ...get().filter } });
    const loadPage = async (page: number) => {
      if (inFlight.has(page)) return;
      inFlight.add(page);
      const filter = get().filter;
      try {
        const answer = await list(page);
        if (get().filter !== filter) return; // the filter changed meanwhile: this page is stale
        set((s) => ({ total: answer.total, pages: { ...s.pages, [page]: answer.items }, error: null }));
      } catch (err) {
        set({ error: errorMessage(err) });
      } finally {
        inFlight.delete(page);
      }
    };
    return {
      total: -1,
      pages: {},
      error: null,
      filter: { sort: 'name', order: 'asc' },
      hashing: null,
      stats: null,
      ensureRows: (from, to) => {
        const first = Math.floor(Math.max(0, from) / LIBRARY_PAGE_SIZE) + 1;
        const last = Math.floor(Math.max(0, to) / LIBRARY_PAGE_SIZE) + 1;
        for (let page = first; page <= last; page++) if (!get().pages[page]) void loadPage(page);
      },
      refresh: async () => {
        const loaded = Object.keys(get().pages).map(Number);
        const pages = loaded.length > 0 ? loaded : [1];
        const answers = await Promise.all(
          pages.map((page) => list(page).catch((err: unknown) => err)),
        );
        const next: Record<number, SharedFile[]> = {};
        let total = get().total;
        for (const [i, answer] of answers.entries()) {
          if (answer instanceof Error) {
            set({ error: answer.message });
            return;
          }
          const page = answer as Awaited<ReturnType<NodeApi['listFiles']>>;
          total = page.total;
          if (page.items.length > 0) next[pages[i] as number] = page.items;
        }
        set({ total, pages: next, error: null });
      },
      unshare: async (id) => {
        const { removedPaths } = await api.unshareFile({ params: { fileId: id } });
        await get().refresh();
        return removedPaths;
      },
      setTags: async (id, tags) => {
        await api.setFileTags({ params: { fileId: id }, body: { tags } });
        await get().refresh();
      },
      setFilter: (change) => {
        inFlight.clear();
        set((s) => ({ filter: { ...s.filter, ...change }, pages: {} }));
        void loadPage(1);
      },
      matchingIds: async () => {
        const { sort, order, ...rest } = get().filter;
        return (await api.listFileIds({ query: { sort, order, ...rest } })).ids;
      },
      unshareMany: async (ids) => {
        const result = await api.unshareFiles({ body: { ids } });
        await get().refresh();
        return result;
      },
      tagMany: async (ids, add) => {
        const result = await api.tagFiles({ body: { ids, add } });
        await get().refresh();
        return result;
      },
      applyHashing: (hashing) => set({ hashing }),
      applyStats: (stats) => set({ stats, hashing: stats.hashing }),
    };
  });
}

/** The row at an index, if its page is loaded. */
export function rowAt(state: Pick<LibraryState, 'pages'>, index: number): SharedFile | undefined {
  return state.pages[Math.floor(index / LIBRARY_PAGE_SIZE) + 1]?.[index % LIBRARY_PAGE_SIZE];
}
