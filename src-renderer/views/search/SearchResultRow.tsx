import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { formatBytes } from '../../app/format.js';
import { CategoryIcon } from '../../components/CategoryIcon.js';
import { FileActions } from './FileActions.js';

/** Sources are healthy when they have reputation and a free upload slot. */
function health(result: SearchResult): 'good' | 'busy' | 'none' {
  if (result.sourceCount === 0) return 'none';
  return result.sources.some((s) => s.freeUploadSlots > 0 && s.reputation >= 30) ? 'good' : 'busy';
}

export function SearchResultRow({ result, active, onDownload }: { result: SearchResult; active: boolean; onDownload: () => void }) {
  const h = health(result);
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
      <FileActions file={result} onDownload={onDownload} />
    </li>
  );
}
