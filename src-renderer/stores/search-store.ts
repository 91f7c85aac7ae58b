// Search as you type: each keystroke restarts a short wait, and an answer to an older query never
// replaces the newer one's.
import { createStore } from 'zustand/vanilla';
import type { Category } from '../../src-shared/api/common.js';
import type { SearchQuery, SearchResult } from '../../src-shared/api/index-routes.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export const TYPING_PAUSE_MS = 150;

/** The filters besides words and category, as the index's search query names them. */
export type SearchFilters = Partial<Pick<SearchQuery, 'ext' | 'minSize' | 'maxSize' | 'minSources' | 'sort'>>;

export interface SearchState {
  query: string;
  category: Category | null;
  filters: SearchFilters;
  results: SearchResult[];
  total: number;
  totalIsEstimate: boolean;
  loading: boolean;
  /** Whether any search has been answered yet (to tell "nothing found" from "type something"). */
  searched: boolean;
  error: string | null;
  setQuery(query: string): void;
  setCategory(category: Category | null): void;
  setFilters(change: SearchFilters): void;
  run(): Promise<void>;
}

export function createSearchStore(api: Pick<NodeApi, 'searchNetwork'>) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  return createStore<SearchState>()((set, get) => {
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void get().run(), TYPING_PAUSE_MS);
    };
    return {
      query: '',
      category: null,
      filters: {},
      results: [],
      total: 0,
      totalIsEstimate: false,
      loading: false,
      searched: false,
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
      run: async () => {
        const { query, category, filters } = get();
        const ticket = ++latest;
        if (query.trim() === '' && !category) {
          set({ results: [], total: 0, loading: false, searched: false, error: null });
          return;
        }
        set({ loading: true });
        try {
          const answer = await api.searchNetwork({ query: { ...filters, q: query, category: category ?? undefined, pageSize: 100 } });
          if (ticket !== latest) return;
          set({ results: answer.items, total: answer.total, totalIsEstimate: answer.totalIsEstimate ?? false, loading: false, searched: true, error: null });
        } catch (err) {
          if (ticket !== latest) return;
          set({ loading: false, searched: true, error: errorMessage(err) });
        }
      },
    };
  });
}
