// Search as you type: each keystroke restarts a short wait, and an answer to an older query never
// replaces the newer one's.
import { createStore } from 'zustand/vanilla';
import type { Category } from '../../src-shared/api/common.js';
import type { SearchQuery, SearchResult } from '../../src-shared/api/index-routes.js';
import { fileIdSchema } from '../../src-shared/api/common.js';
import { parseShoalLink } from '../../src-shared/shoal-link.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export const TYPING_PAUSE_MS = 150;

/** The filters besides words and category, as the index's search query names them. */
export type SearchFilters = Partial<Pick<SearchQuery, 'ext' | 'minSize' | 'maxSize' | 'minSources' | 'sort'>>;

/** The file a pasted `shoal://` link or a bare file id names; null for any other text. */
export function linkedFileId(query: string): string | null {
  const text = query.trim();
  const id = fileIdSchema.safeParse(text.toLowerCase());
  if (id.success) return id.data;
  return parseShoalLink(text)?.fileId ?? null;
}

export interface SearchState {
  query: string;
  /** The file a pasted link or id opened (shown with its details instead of results). */
  opened: SearchResult | null;
  category: Category | null;
  filters: SearchFilters;
  results: SearchResult[];
  total: number;
  totalIsEstimate: boolean;
  loading: boolean;
  /** Whether any search has been answered yet (to tell "nothing found" from "type something"). */
  searched: boolean;
  /** Index servers of the federation had not answered yet: their results are being asked for (`more=`). */
  moreComing: boolean;
  error: string | null;
  setQuery(query: string): void;
  setCategory(category: Category | null): void;
  setFilters(change: SearchFilters): void;
  /** Query, category and filters at once (from the address: reload, back, forward), then search. */
  restore(state: Pick<SearchState, 'query' | 'category' | 'filters'>): void;
  run(): Promise<void>;
  /** Where this node keeps a file of its library (for "Show in folder"). */
  localPath(fileId: string): Promise<string | undefined>;
}

export function createSearchStore(api: Pick<NodeApi, 'searchNetwork' | 'getNetworkFile' | 'getFile'>) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  return createStore<SearchState>()((set, get) => {
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void get().run(), TYPING_PAUSE_MS);
    };
    return {
      query: '',
      opened: null,
      category: null,
      filters: {},
      results: [],
      total: 0,
      totalIsEstimate: false,
      loading: false,
      searched: false,
      moreComing: false,
      error: null,
      setQuery: (query) => {
        set({ query });
        schedule();
      },
      setCategory: (category) => {
        set({ category });
        schedule();
      },
      setFilters: (change) => {
        set((s) => ({ filters: { ...s.filters, ...change } }));
        schedule();
      },
      localPath: async (fileId) => (await api.getFile({ params: { fileId } })).paths?.[0],
      restore: ({ query, category, filters }) => {
        set({ query, category, filters });
        clearTimeout(timer);
        void get().run();
      },
      run: async () => {
        const { query, category, filters } = get();
        const ticket = ++latest;
        if (query.trim() === '' && !category) {
          set({ results: [], opened: null, total: 0, loading: false, searched: false, moreComing: false, error: null });
          return;
        }
        set({ loading: true, moreComing: false });
        // A pasted link or id opens that file: no index matches ids as words.
        const fileId = linkedFileId(query);
        if (fileId) {
          try {
            const file = await api.getNetworkFile({ params: { fileId } });
            if (ticket !== latest) return;
            set({ opened: file, results: [], total: 0, loading: false, searched: true, error: null });
          } catch (err) {
            if (ticket !== latest) return;
            set({ opened: null, results: [], total: 0, loading: false, searched: true, error: errorMessage(err) });
          }
          return;
        }
        try {
          const asked = { ...filters, q: query, category: category ?? undefined, pageSize: 100 };
          const answer = await api.searchNetwork({ query: asked });
          if (ticket !== latest) return;
          const pending = answer.federation && answer.federation.pending > 0 ? answer.federation.queryId : null;
          set({ opened: null, results: answer.items, total: answer.total, totalIsEstimate: answer.totalIsEstimate ?? false, loading: false, searched: true, moreComing: pending !== null, error: null });
          // Some index servers of the federation were slower than the first answer: one more
          // request gets everything that arrived by the index's second deadline (a few seconds).
          if (pending) {
            const more = await api.searchNetwork({ query: { ...asked, more: pending } }).catch(() => null);
            if (ticket !== latest) return;
            set(more ? { results: more.items, total: more.total, totalIsEstimate: more.totalIsEstimate ?? false, moreComing: false } : { moreComing: false });
          }
        } catch (err) {
          if (ticket !== latest) return;
          set({ loading: false, searched: true, error: errorMessage(err) });
        }
      },
    };
  });
}
