// One downloader fetching one file from this node: who, how far through the file, how fast.
import type { UploadView } from '../../../src-shared/api/transfers.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import { formatBytes, formatSpeed, percent } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { Lock } from '../../components/Lock.js';
import { PeerName } from '../../components/PeerName.js';
import { ProgressBar } from '../../components/ProgressBar.js';

/** The name the index gives a node id, when the last topology answer lists it. */
export function useIndexName(peerId: string | null): string | null {
  return useDomain('network', (s) => (peerId ? (s.topology?.nodes.find((n) => n.id === peerId && n.role === 'peer')?.name ?? null) : null));
}

export function UploadRow({ upload: u }: { upload: UploadView }) {
  const value = percent(u.progress, u.size);
  // Named by its node id (and the index's name for it, when known); the address on hover, and
  // in its place when the downloader said no id.
  const name = useIndexName(u.peerId);
  const who = name ?? (u.peerId ? shortNodeId(u.peerId) : u.address);
  return (
    <li className="transfer" data-testid="upload" data-active={u.active}>
      <div className="card-head">
        <span className="name" title={u.name}>
          {u.name}
        </span>
        <span className="muted upload-peer">
          <Lock encrypted={u.encrypted} who="downloader" /> to <PeerName name={name} id={u.peerId} address={u.address} withShortId />
        </span>
      </div>
      <ProgressBar value={value} label={`Upload of ${u.name} to ${who}`} />
      <div className="transfer-meta muted">
        <span>
          {formatBytes(u.progress)} of {formatBytes(u.size)} ({value}%)
        </span>
        <span>{u.active || u.speed > 0 ? formatSpeed(u.speed) : 'between requests'}</span>
        {u.bytes > u.progress ? <span>{formatBytes(u.bytes)} sent in all</span> : null}
      </div>
    </li>
  );
}
