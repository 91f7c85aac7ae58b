// The library as one virtualised list (@tanstack/react-virtual): only the rows on screen exist in
// the page, and only their pages are fetched, so 100,000 files scroll as smoothly as ten.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { shoalLink } from '../../../src-shared/shoal-link.js';
import { useDomain, useStores } from '../../app/stores-context.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useMediaQuery } from '../../app/use-media-query.js';
import { useSelection } from '../../app/use-selection.js';
import { rowAt } from '../../stores/library-store.js';
import { LibraryBatchBar } from './LibraryBatchBar.js';
import { LibraryToolbar } from './LibraryToolbar.js';
import { fileAccess } from './file-access.js';
import { SharedFileRow, type RowActions } from './SharedFileRow.js';
import { SharedFolder } from './SharedFolder.js';
import { UndoUnshare } from './UndoUnshare.js';
import { UnsharedFiles } from './UnsharedFiles.js';
import { ownOrigin, torrentUrl } from './torrent-url.js';

export const ROW_HEIGHT = 64;
/** A narrow window (the media query of the rows' narrow layout in app.css and selection.css) puts
 *  a row's actions under its name, on up to two lines: the rows are this tall there. */
export const NARROW_ROW_HEIGHT = 120;
export const NARROW_ROWS = '(max-width: 600px)';

export function SharedFileList() {
  const total = useDomain('library', (s) => s.total);
  const pages = useDomain('library', (s) => s.pages);
  const error = useDomain('library', (s) => s.error);
  const ensureRows = useDomain('library', (s) => s.ensureRows);
  const unshare = useDomain('library', (s) => s.unshare);
  const setTags = useDomain('library', (s) => s.setTags);
  const noteUnshared = useDomain('unshared', (s) => s.noteUnshared);
  const indexServer = useDomain('network', (s) => (s.indexConnection?.state === 'registered' ? s.indexConnection.server : null));
  const peerPort = useDomain('network', (s) => s.info?.port);
  const [actionError, setActionError] = useState<string | null>(null);
  const matchingIds = useDomain('library', (s) => s.matchingIds);
  const filter = useDomain('library', (s) => s.filter);
  // Who may see each row: its paths against the roots the shared-folder line loads (SharedFolder).
  const roots = useDomain('access', (s) => s.roots);
  const selection = useSelection();
  // The loaded rows in the order shown: a shift-click's range, a link's name.
  const loaded = Object.keys(pages).map(Number).sort((a, b) => a - b).flatMap((p) => pages[p] ?? []);
  const order = loaded.map((f) => f.id);
  const filtered = Boolean(filter.q?.trim() || filter.category);
  const scroller = useRef<HTMLDivElement>(null);
  const count = Math.max(0, total);
  const rowHeight = useMediaQuery(NARROW_ROWS) ? NARROW_ROW_HEIGHT : ROW_HEIGHT;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 10 });
  // The virtualizer keeps the sizes it worked out: measure again when the window crosses the line.
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    ensureRows(first, Math.max(last, first));
  }, [first, last, ensureRows, total]);

  const desktop = useStores().desktop;
  const copyText = async (text: string) => {
    if (!navigator.clipboard) throw new Error('Copying needs the app opened from this computer (a secure page).');
    await navigator.clipboard.writeText(text);
  };
  const actions: RowActions = {
    unshare: async (id) => noteUnshared({ files: 1, paths: await unshare(id) }),
    setTags,
    onError: setActionError,
    copyLink: (file) => copyText(shoalLink(file.id, file.name)),
    copyTorrent: (file) => copyText(torrentUrl(file.id, indexServer, ownOrigin(location, peerPort))),
    showInFolder: desktop ? async (path) => void (await desktop.showInFolder({ path })) : null,
  };
  return (
    <section className="card grow" aria-label="Shared files">
      <div className="card-head">
        <h2>Shared files</h2>
        <span className="muted" data-testid="shared-count">
          {total >= 0 ? `${total.toLocaleString()} file${total === 1 ? '' : 's'}` : 'Loading…'}
        </span>
      </div>
      <SharedFolder />
      <LibraryToolbar />
      <div className="row-actions">
        <button
          type="button"
          className="secondary"
          disabled={total <= 0}
          onClick={() => void matchingIds().then(selection.replace, (err: unknown) => setActionError((err as Error).message))}
        >
          {filtered ? 'Select all matching' : 'Select all'}
        </button>
      </div>
      <UnsharedFiles onMessage={setActionError} />
      <LibraryBatchBar selection={selection} nameOf={(id) => loaded.find((f) => f.id === id)?.name} copyText={copyText} onMessage={setActionError} />
      <UndoUnshare onMessage={setActionError} />
      <ErrorNote message={error ?? actionError} />
      {total === 0 && filtered ? (
        <EmptyState title="No shared file matches">Try other words or another category.</EmptyState>
      ) : total === 0 ? (
        <EmptyState title="You share nothing yet">Drop files above, or put them into your shared folder: they appear here once hashed.</EmptyState>
      ) : (
        <div ref={scroller} className="file-scroller" data-testid="file-scroller">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const file = rowAt({ pages }, item.index);
              return (
                <div key={item.key} className="virtual-row" style={{ height: item.size, transform: `translateY(${item.start}px)` }}>
                  {file ? (
                    <SharedFileRow file={file} actions={actions} access={fileAccess(file.paths, roots)} selected={selection.has(file.id)} onSelect={(shift) => selection.toggle(file.id, shift, order)} />
                  ) : (
                    <div className="file-row placeholder" aria-hidden="true" />
                  )}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </section>
  );
}
