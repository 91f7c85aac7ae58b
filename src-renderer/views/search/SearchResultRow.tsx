import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { formatBytes } from '../../app/format.js';
import { CategoryIcon } from '../../components/CategoryIcon.js';
import { PeerName } from '../../components/PeerName.js';
import { useDomain } from '../../app/stores-context.js';
import { RowCheckbox } from '../../components/SelectionBar.js';
import { FileActions } from './FileActions.js';

const healthText = {
  good: 'Green: a source has a free upload slot and a reputation of 30 or more (of 100).',
  busy: 'Amber: every source is busy or has a low reputation (under 30 of 100); the download may wait.',
  none: 'Red: no source is online right now.',
} as const;

/** Sources are healthy when they have reputation and a free upload slot. */
function health(result: SearchResult): 'good' | 'busy' | 'none' {
  if (result.sourceCount === 0) return 'none';
  return result.sources.some((s) => s.freeUploadSlots > 0 && s.reputation >= 30) ? 'good' : 'busy';
}

/** Who has it: "you" first when this node shares it (the node lists itself as no source), then up to three others. */
function Holders({ result }: { result: SearchResult }) {
  const self = useDomain('network', (s) => s.info);
  const shown = result.sources.slice(0, 3);
  if (!result.inLibrary && shown.length === 0) return null;
  return (
    <span className="holders" data-testid="result-sources">
      {' · '}
      {result.inLibrary && self ? <PeerName name={self.name} id={self.id} /> : null}
      {shown.map((s, i) => (
        <span key={s.peerId}>
          {i > 0 || (result.inLibrary && self) ? ', ' : ''}
          <PeerName name={s.name} id={s.peerId} address={hostOf(s.url)} />
        </span>
      ))}
    </span>
  );
}

/** host:port of a download address. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function SearchResultRow({ result, active, onDownload, selected, onSelect }: {
  result: SearchResult;
  active: boolean;
  onDownload: () => void;
  selected?: boolean;
  onSelect?(shift: boolean): void;
}) {
  const h = health(result);
  return (
    <li className={`result${active ? ' active' : ''}${onSelect ? ' selectable' : ''}`} aria-current={active || undefined} data-testid="search-result">
      {/* A file already in the library is not downloaded again: nothing to pick. */}
      {onSelect ? (result.inLibrary ? <span className="no-check" /> : <RowCheckbox label={`Select ${result.name}`} checked={selected === true} onToggle={onSelect} />) : null}
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
          {formatBytes(result.size)} · <span className={`health ${h}`} title={healthText[h]}>{result.sourceCount} {result.inLibrary ? 'other ' : ''}source{result.sourceCount === 1 ? '' : 's'}</span>
          <Holders result={result} />
        </span>
      </div>
      <FileActions file={result} onDownload={onDownload} />
    </li>
  );
}
