// One downloader fetching one file from this node: who, how far through the file, how fast.
import type { UploadView } from '../../../src-shared/api/transfers.js';
import { formatBytes, formatSpeed, percent } from '../../app/format.js';
import { ProgressBar } from '../../components/ProgressBar.js';

export function UploadRow({ upload: u }: { upload: UploadView }) {
  const value = percent(u.progress, u.size);
  // Named by the node id it sent; the address is on hover (and the name when it sent none).
  const who = u.peerId ? `${u.peerId.slice(0, 8)}` : u.address;
  return (
    <li className="transfer" data-testid="upload" data-active={u.active}>
      <div className="card-head">
        <span className="name" title={u.name}>
          {u.name}
        </span>
        <span className="muted" title={u.peerId ? `${u.peerId} at ${u.address}` : u.address}>
          to {who}
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
