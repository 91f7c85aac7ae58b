import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { formatBytes } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { CategoryIcon } from '../../components/CategoryIcon.js';

/** Sources are healthy when they have reputation and a free upload slot. */
function health(result: SearchResult): 'good' | 'busy' | 'none' {
  if (result.sourceCount === 0) return 'none';
  return result.sources.some((s) => s.freeUploadSlots > 0 && s.reputation >= 30) ? 'good' : 'busy';
}

export function SearchResultRow({ result, active, onDownload }: { result: SearchResult; active: boolean; onDownload: () => void }) {
  const starting = useDomain('transfers', (s) => s.starting[result.id] ?? false);
  const download = useDomain('transfers', (s) => s.downloads.find((d) => d.fileId === result.id && d.state !== 'cancelled'));
  const h = health(result);
  const busy = starting || !!download;
  return (
    <li className={active ? 'result active' : 'result'} aria-current={active || undefined} data-testid="search-result">
      <CategoryIcon category={result.category} />
      <div className="file-main">
        <span className="name">{result.name}</span>
        {/* Where peers keep it (inside their shared folders): what tells same-named files apart. */}
        {result.folders?.[0] ? (
          <span className="folder" title={result.folders.join('\n')}>
            in {result.folders[0]}
            {result.folders.length > 1 ? ` and ${result.folders.length - 1} more` : ''}
          </span>
        ) : null}
        <span className="muted">
          {formatBytes(result.size)} · <span className={`health ${h}`}>{result.sourceCount} source{result.sourceCount === 1 ? '' : 's'}</span>
          {result.sources.length > 0 ? ` · ${result.sources.slice(0, 3).map((s) => s.name).join(', ')}` : ''}
        </span>
      </div>
      {/* aria-disabled, not disabled: a disabled button drops the keyboard focus right after Enter.
          The name heard is the text seen plus the file's name (WCAG 2.5.3). */}
      <button type="button" onClick={() => (busy ? undefined : onDownload())} aria-disabled={busy || undefined}>
        {download ? (download.state === 'completed' ? 'Downloaded' : 'Downloading') : starting ? 'Starting…' : 'Download'}
        <span className="visually-hidden"> {result.name}</span>
      </button>
    </li>
  );
}
