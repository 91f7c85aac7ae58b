// Redraws `shoal get`'s progress line in place on a terminal; prints nothing when stderr is a
// pipe or a file (a log would fill with carriage returns).
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { progressLine } from './progress-line.js';

export interface ProgressStream { write(text: string): unknown; isTTY?: boolean; columns?: number }

export function progressDisplay(stream: ProgressStream): { update(d: DownloadView): void; stop(): void } {
  let shown = false;
  return {
    update(d) {
      if (!stream.isTTY) return;
      stream.write(`\r${progressLine(d, stream.columns ?? 80)}\x1b[K`);
      shown = true;
    },
    stop() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
