// Pause all / Resume all: one call each, shown only when there is something to pause or resume.
import { isRunningDownload } from '../../../src-shared/api/transfers.js';
import { useDomain } from '../../app/stores-context.js';

export function PauseAllButtons() {
  const canPause = useDomain('transfers', (s) => s.downloads.some((d) => isRunningDownload(d.state)));
  const canResume = useDomain('transfers', (s) => s.downloads.some((d) => d.state === 'paused'));
  const pauseAll = useDomain('transfers', (s) => s.pauseAll);
  const resumeAll = useDomain('transfers', (s) => s.resumeAll);
  if (!canPause && !canResume) return null;
  return (
    <div className="row-actions">
      {canPause ? (
        <button type="button" className="secondary" onClick={() => void pauseAll()}>
          Pause all
        </button>
      ) : null}
      {canResume ? (
        <button type="button" className="secondary" onClick={() => void resumeAll()}>
          Resume all
        </button>
      ) : null}
    </div>
  );
}
