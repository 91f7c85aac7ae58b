// Paging through the peers registered here (GET /api/v1/peers, PEERS_PAGE_SIZE a page): which ones
// are shown ("Showing 201–400 of 10,000"), Previous and Next, and a filter by status. The page
// itself comes from the feed, so the live refresh keeps the one the user is on.
import { PEERS_PAGE_SIZE, pageCount, type PeerFilter, type PeersView } from './dashboard-state.js';

const FILTERS: readonly [PeerFilter, string][] = [['all', 'All peers'], ['online', 'Online'], ['offline', 'Offline']];

/** "Showing 201–400 of 10,000" (and "online" or "offline" when filtered). */
export function shownText(view: PeersView, shown: number, total: number): string {
  const first = (view.page - 1) * PEERS_PAGE_SIZE + 1;
  const of = `${total.toLocaleString()}${view.filter === 'all' ? '' : ` ${view.filter}`}`;
  if (shown === 0) return `Showing none of ${of}`;
  return `Showing ${first.toLocaleString()}\u2013${(first + shown - 1).toLocaleString()} of ${of}`;
}

interface Props {
  view: PeersView;
  /** Peers on this page. */
  shown: number;
  total: number;
  onShow(view: PeersView): void;
}

/** Above the table: the filter, what is shown, and the page buttons. */
export function PeersPager({ view, shown, total, onShow }: Props) {
  return (
    <div className="peers-pager">
      <label>
        Show{' '}
        <select value={view.filter} onChange={(e) => onShow({ page: 1, filter: filterOf(e.target.value) })} data-testid="peers-filter">
          {FILTERS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <span className="muted" data-testid="peers-count">
        {shownText(view, shown, total)}
      </span>
      <PageButtons view={view} total={total} label="Pages of peers" onShow={onShow} />
    </div>
  );
}

/**
 * Previous and Next, with "Page 2 of 50" said to screen readers when it changes. At either end a
 * button is aria-disabled, not disabled, so the focus stays on it (a disabled button drops it).
 */
export function PageButtons({ view, total, label, onShow }: { view: PeersView; total: number; label: string; onShow(view: PeersView): void }) {
  const pages = pageCount(total);
  if (pages === 1 && view.page === 1) return null;
  const go = (page: number) => {
    if (page >= 1 && page <= pages && page !== view.page) onShow({ ...view, page });
  };
  return (
    <nav className="page-buttons" aria-label={label}>
      <button type="button" className="secondary" aria-disabled={view.page <= 1} onClick={() => go(view.page - 1)}>
        Previous
      </button>
      <span className="visually-hidden" aria-live="polite">
        Page {view.page} of {pages}
      </span>
      <button type="button" className="secondary" aria-disabled={view.page >= pages} onClick={() => go(view.page + 1)}>
        Next
      </button>
    </nav>
  );
}

function filterOf(value: string): PeerFilter {
  return value === 'online' || value === 'offline' ? value : 'all';
}
