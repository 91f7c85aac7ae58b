import { formatBytes, percent } from '../../app/format.js';
import { useDomain } from '../../app/stores-context.js';
import { ProgressBar } from '../../components/ProgressBar.js';

/** New files are hashed before anyone can find them: show that it is happening and how far. */
export function HashingStatus() {
  const hashing = useDomain('library', (s) => s.hashing);
  if (!hashing || (hashing.activeFiles === 0 && hashing.queuedFiles === 0 && !hashing.scanning)) return null;
  const current = hashing.current.reduce((sum, c) => sum + c.hashedBytes, 0);
  const todo = hashing.queuedBytes + hashing.current.reduce((sum, c) => sum + c.size, 0);
  return (
    <div className="hashing" role="status">
      <span>
        {hashing.scanning ? 'Looking through your shared folder… ' : ''}
        Hashing {hashing.activeFiles + hashing.queuedFiles} file(s), {formatBytes(current)} of {formatBytes(todo)}
      </span>
      <ProgressBar value={percent(current, todo)} label="Hashing progress" />
    </div>
  );
}
