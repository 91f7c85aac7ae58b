// Share's search box, category filter and sort: the list (and "select all") follow them.
import { categories } from '../../../src-shared/api/common.js';
import type { ListFilesFilter } from '../../../src-shared/api/library-query.js';
import { useDomain } from '../../app/stores-context.js';

const sorts = {
  'name-asc': 'Name A\u2013Z',
  'name-desc': 'Name Z\u2013A',
  'size-desc': 'Largest first',
  'size-asc': 'Smallest first',
  'shared-desc': 'Newest first',
  'shared-asc': 'Oldest first',
} as const;
type SortKey = keyof typeof sorts;

export function LibraryToolbar() {
  const filter = useDomain('library', (s) => s.filter);
  const setFilter = useDomain('library', (s) => s.setFilter);
  const sortKey = `${filter.sort}-${filter.order}` as SortKey;
  return (
    <div className="filters library-toolbar">
      <label className="grow-field">
        Find in your files
        <input type="search" value={filter.q ?? ''} placeholder="name, folder or tag" onChange={(e) => setFilter({ q: e.target.value })} />
      </label>
      <label>
        Category
        <select value={filter.category ?? ''} onChange={(e) => setFilter({ category: (e.target.value || undefined) as ListFilesFilter['category'] })}>
          <option value="">All</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sort
        <select
          value={sortKey}
          onChange={(e) => {
            const [sort, order] = e.target.value.split('-') as [ListFilesFilter['sort'], ListFilesFilter['order']];
            setFilter({ sort, order });
          }}
        >
          {Object.entries(sorts).map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
