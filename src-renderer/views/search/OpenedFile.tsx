// The file a pasted shoal:// link or id names: what it is, who has it, and Download (or, when it
// is already in the library, Open and Show).
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { formatBytes } from '../../app/format.js';
import { CategoryIcon } from '../../components/CategoryIcon.js';
import { PeerName } from '../../components/PeerName.js';
import { Reputation, ReputationHelp } from '../../components/Reputation.js';
import { useDomain } from '../../app/stores-context.js';
import { hostOf } from './SearchResultRow.js';
import { FileActions } from './FileActions.js';

export function OpenedFile({ file }: { file: SearchResult }) {
  const self = useDomain('network', (s) => s.info);
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
          {file.inLibrary && self ? (
            <p className="muted">
              <PeerName name={self.name} id={self.id} /> {file.sources.length === 0 ? '(nobody else shares it right now)' : null}
            </p>
          ) : null}
          {file.sources.length === 0 ? (
            file.inLibrary ? null : <span className="muted">No source is online right now.</span>
          ) : (
            <>
              <ul className="source-list" aria-label="Sources">
                {file.sources.map((s) => (
                  <li key={s.peerId}>
                    <PeerName name={s.name} id={s.peerId} address={hostOf(s.url)} />
                    <span className="muted">
                      reputation <Reputation value={s.reputation} />
                      {s.freeUploadSlots > 0 ? ` · ${s.freeUploadSlots} free slot${s.freeUploadSlots === 1 ? '' : 's'}` : ' · busy'}
                    </span>
                  </li>
                ))}
              </ul>
              <ReputationHelp />
            </>
          )}
        </dd>
      </dl>
    </section>
  );
}
