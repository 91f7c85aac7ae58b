// The search's query, category and filters in the address (`/search?q=…&category=audio&ext=mp3`):
// reload, back/forward and a bookmark keep them. What is read back is validated like any input:
// a hand-edited address can only ever give a known category, a clean extension, bounded numbers.
import { z } from 'zod';
import { categorySchema, type Category } from '../../../src-shared/api/common.js';
import { searchSorts } from '../../../src-shared/api/index-routes.js';
import type { SearchFilters } from '../../stores/search-store.js';

export interface SearchLocation {
  query: string;
  category: Category | null;
  filters: SearchFilters;
}

const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const fields = {
  q: z.string().max(200),
  category: categorySchema,
  ext: z.string().regex(/^[a-z0-9]{1,16}$/),
  minSize: size,
  maxSize: size,
  minSources: z.coerce.number().int().min(0).max(1000),
  sort: z.enum(searchSorts),
} as const;

/** One field from the address, or undefined when it is missing or not valid. */
function read<K extends keyof typeof fields>(params: URLSearchParams, key: K): z.output<(typeof fields)[K]> | undefined {
  const raw = params.get(key);
  if (raw === null) return undefined;
  const parsed = fields[key].safeParse(raw);
  return parsed.success ? (parsed.data as z.output<(typeof fields)[K]>) : undefined;
}

export function searchFromUrl(search: string): SearchLocation {
  const params = new URLSearchParams(search);
  const filters: SearchFilters = {};
  for (const key of ['ext', 'minSize', 'maxSize', 'minSources', 'sort'] as const) {
    const value = read(params, key);
    if (value !== undefined) (filters as Record<string, unknown>)[key] = value;
  }
  return { query: read(params, 'q') ?? '', category: read(params, 'category') ?? null, filters };
}

/** The address's query string for a search ('' when there is nothing to keep). */
export function searchToUrl(s: SearchLocation): string {
  const params = new URLSearchParams();
  if (s.query) params.set('q', s.query);
  if (s.category) params.set('category', s.category);
  for (const [key, value] of Object.entries(s.filters)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
