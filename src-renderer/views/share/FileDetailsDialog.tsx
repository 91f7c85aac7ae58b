// A shared file's identity, explained: its id, how the id is made, and its plain SHA-256; and who
// may see it, changed right here for the root it is shared through (the same control as Settings). Shown
// over the page (a portal: the virtualised list moves its rows with transforms, which would trap a
// fixed-position child inside the row).
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import type { SharedFile } from '../../../src-shared/api/library.js';
import { formatBytes } from '../../app/format.js';
import { RootAccessControl } from '../../components/RootAccessControl.js';
import type { FileAccess } from './file-access.js';
import { RestrictedBadge } from './RestrictedBadge.js';

export function FileDetailsDialog({ file, access, onClose }: { file: SharedFile; access?: FileAccess | undefined; onClose(): void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return createPortal(
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="file-details-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="file-details-title">{file.name}</h2>
        <dl className="details">
          <dt>Size</dt>
          <dd>
            {formatBytes(file.size)} in {file.pieceCount} {file.pieceCount === 1 ? 'piece' : 'pieces'} of {formatBytes(file.pieceSize)}
          </dd>
          <dt>File id</dt>
          <dd>
            <code className="hash">{file.id}</code>
            <p className="hint">
              The root of a SHA-256 hash tree over the file&rsquo;s 16 KiB blocks: its BitTorrent v2 &ldquo;pieces root&rdquo;
              (BEP 52). Every peer with the same bytes has the same id, and each piece is checked against this tree as it
              arrives. <code>shoal hash FILE</code> prints it for any file on your disk.
            </p>
          </dd>
          <dt>SHA-256</dt>
          <dd>
            {file.sha256 ? (
              <code className="hash">{file.sha256}</code>
            ) : (
              <span className="hint">Not yet: Shoal computes it while idle, for sha256sum and Metalink clients.</span>
            )}
          </dd>
          {access ? (
            <>
              <dt>Who sees it</dt>
              <dd className="file-access">
                <p>
                  {access.restricted ? 'Only chosen devices' : 'Everyone'}
                  {access.restricted ? <RestrictedBadge devices={access.devices} /> : null}
                </p>
                {access.roots.map((root) => (
                  <div key={root.path} className="file-access-root">
                    <p className="hint">
                      {root.kind === 'file'
                        ? 'Shared by hand, by itself: '
                        : root.sharedFolder
                          ? 'In the shared folder, so this applies to every file in it: '
                          : 'In a folder shared by hand, so this applies to every file in it: '}
                      <code className="path">{root.path}</code>
                    </p>
                    <RootAccessControl root={root} />
                  </div>
                ))}
              </dd>
            </>
          ) : null}
        </dl>
        <button type="button" ref={closeButton} onClick={onClose}>
          Close
        </button>
      </div>
    </div>,
    document.body,
  );
}
