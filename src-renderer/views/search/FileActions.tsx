// What a found file offers: Download, or for a file already in the library "In your library" with
// Open (its bytes from this node, in a new tab) and, in the desktop app, Show in its folder.
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { useDomain, useStores } from '../../app/stores-context.js';

export function FileActions({ file, onDownload }: { file: SearchResult; onDownload?: () => void }) {
  const stores = useStores();
  const starting = useDomain('transfers', (s) => s.starting[file.id] ?? false);
  const download = useDomain('transfers', (s) => s.downloads.find((d) => d.fileId === file.id && d.state !== 'cancelled'));
  const start = useDomain('transfers', (s) => s.start);
  const localPath = useDomain('search', (s) => s.localPath);
  if (file.inLibrary) {
    const desktop = stores.desktop;
    const show = async () => {
      const path = await localPath(file.id);
      if (path && desktop) await desktop.showInFolder({ path });
    };
    return (
      <span className="row-actions">
        <span className="badge">In your library</span>
        {/* The node serves its own shared files (the browser opens or plays them); the desktop shows the folder. */}
        <a className="link" href={`/api/v1/download/${file.id}/${encodeURIComponent(file.name)}`} target="_blank" rel="noreferrer">
          Open<span className="visually-hidden"> {file.name}</span>
        </a>
        {desktop ? (
          <button type="button" className="link" onClick={() => void show()}>
            Show<span className="visually-hidden"> {file.name} in its folder</span>
          </button>
        ) : null}
      </span>
    );
  }
  const busy = starting || !!download;
  // aria-disabled, not disabled: a disabled button drops the keyboard focus right after Enter.
  // The name heard is the text seen plus the file's name (WCAG 2.5.3).
  return (
    <button type="button" onClick={() => (busy ? undefined : (onDownload ?? (() => void start(file.id, file.name)))())} aria-disabled={busy || undefined}>
      {download ? (download.state === 'completed' ? 'Downloaded' : 'Downloading') : starting ? 'Starting…' : 'Download'}
      <span className="visually-hidden"> {file.name}</span>
    </button>
  );
}
