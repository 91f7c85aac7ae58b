// Size, extension, minimum sources and sort: the index's own filters, one control each.
import { searchSorts } from '../../../src-shared/api/index-routes.js';
import { useDomain } from '../../app/stores-context.js';
import type { SearchFilters as Filters } from '../../stores/search-store.js';

const MB = 1024 * 1024;
const sizes: { label: string; minSize?: number; maxSize?: number }[] = [
  { label: 'Any size' },
  { label: 'Under 10 MiB', maxSize: 10 * MB },
  { label: '10 MiB – 1 GiB', minSize: 10 * MB, maxSize: 1024 * MB },
  { label: 'Over 1 GiB', minSize: 1024 * MB },
];
const sortLabels: Record<(typeof searchSorts)[number], string> = { relevance: 'Best match', size: 'Size', sources: 'Most sources', newest: 'Newest' };

export function SearchFilters() {
  const filters = useDomain('search', (s) => s.filters);
  const setFilters = useDomain('search', (s) => s.setFilters);
  const sizeIndex = Math.max(0, sizes.findIndex((s) => s.minSize === filters.minSize && s.maxSize === filters.maxSize));
  return (
    <div className="filters">
      <label>
        Size
        <select
          value={sizeIndex}
          onChange={(e) => {
            const size = sizes[Number(e.target.value)];
            setFilters({ minSize: size?.minSize, maxSize: size?.maxSize });
          }}
        >
          {sizes.map((s, i) => (
            <option key={s.label} value={i}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Extension
        <input
          type="text"
          value={filters.ext ?? ''}
          placeholder="mp4"
          size={6}
          onChange={(e) => {
            const ext = e.target.value.trim().replace(/^\./, '').toLowerCase();
            setFilters({ ext: /^[a-z0-9]{1,16}$/.test(ext) ? ext : undefined } satisfies Filters);
          }}
        />
      </label>
      <label>
        Sources
        <select value={filters.minSources ?? 1} onChange={(e) => setFilters({ minSources: Number(e.target.value) })}>
          <option value={1}>Online now</option>
          <option value={2}>2 or more</option>
          <option value={5}>5 or more</option>
          <option value={0}>Include offline</option>
        </select>
      </label>
      <label>
        Sort
        <select value={filters.sort ?? 'relevance'} onChange={(e) => setFilters({ sort: e.target.value as Filters['sort'] })}>
          {searchSorts.map((s) => (
            <option key={s} value={s}>
              {sortLabels[s]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
