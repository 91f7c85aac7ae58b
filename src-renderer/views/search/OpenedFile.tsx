// The file a pasted shoal:// link or id names: what it is, who has it, and Download (or, when it
// is already in the library, Open and Show).
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { formatBytes } from '../../app/format.js';
import { CategoryIcon } from '../../components/CategoryIcon.js';
import { FileActions } from './FileActions.js';

export function OpenedFile({ file }: { file: SearchResult }) {
  return (
    <section className="card" aria-label={`File ${file.name}`} data-testid="opened-file">
      <div className="result">
        <CategoryIcon category={file.category} />
        <div className="file-main">
          <h2 className="name">{file.name}</h2>
          {file.folders?.[0] ? <span className="folder">in {file.folders[0]}</span> : null}
          <span className="muted">
            {formatBytes(file.size)} · {file.category}
          </span>
        </div>
        <FileActions file={file} />
      </div>
      <dl className="details">
        <dt>File id</dt>
        <dd>{file.id}</dd>
        {file.names.length > 1 ? (
          <>
            <dt>Also named</dt>
            <dd>{file.names.slice(1).join(', ')}</dd>
          </>
        ) : null}
        <dt>Sources</dt>
        <dd>
          {file.sources.length === 0 ? (
            <span className="muted">{file.inLibrary ? 'Nobody else shares it right now.' : 'No source is online right now.'}</span>
          ) : (
            <ul className="plain" aria-label="Sources">
              {file.sources.map((s) => (
                <li key={s.peerId} title={`${s.url}\n${s.peerId}`}>
                  {s.name} <span className="muted">· reputation {Math.round(s.reputation)}</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
