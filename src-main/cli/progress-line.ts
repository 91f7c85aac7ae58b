// The one line `shoal get` redraws while it downloads: the file's name first, then how far, how
// fast and how long to go, cut to the terminal's width (never wrapped: a wrapped line cannot be
// redrawn in place).
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { formatBytes, formatDuration } from '../../src-shared/format-bytes.js';
import { fitText, padEnd } from './fit-text.js';

export function progressLine(d: DownloadView, columns: number): string {
  const percent = d.size ? Math.floor((100 * d.bytesVerified) / d.size) : 0;
  const sources = d.sources.filter((s) => s.state !== 'dropped').length;
  // The ETA comes from what is left and the current speed, so after a resume it counts only the rest.
  const eta = d.etaSeconds === null ? '--' : formatDuration(d.etaSeconds);
  const status = d.error?.message ?? (d.state === 'downloading' ? `${formatBytes(d.speed)}/s ETA ${eta}` : d.state);
  const tail = ` ${String(percent).padStart(3)}% ${formatBytes(d.bytesVerified)}/${d.size === null ? '?' : formatBytes(d.size)} ${status} ${sources} src`;
  const width = Math.max(20, columns - 1); // the last column would wrap on some terminals
  const nameWidth = Math.max(8, width - [...tail].length);
  return fitText(`${padEnd(fitText(d.name, nameWidth), nameWidth)}${tail}`, width);
}
