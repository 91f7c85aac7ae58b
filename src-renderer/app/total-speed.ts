// The node's total download and upload speed, for the nav and the window title: a glance tells
// whether anything moves without opening Transfers.
import type { DownloadView, UploadView } from '../../src-shared/api/transfers.js';
import { formatSpeed } from './format.js';
import { useDomain } from './stores-context.js';

export interface TotalSpeed {
  down: number;
  up: number;
}

export function totalSpeed(downloads: readonly DownloadView[], uploads: readonly UploadView[]): TotalSpeed {
  let down = 0;
  for (const d of downloads) if (d.state === 'downloading') down += d.speed;
  let up = 0;
  for (const u of uploads) up += u.speed;
  return { down, up };
}

/** "↓ 3.2 MB/s ↑ 1.1 MB/s", naming only the directions that move; null when nothing does. */
export function speedLabel({ down, up }: TotalSpeed): string | null {
  const parts = [down > 0 ? `\u2193 ${formatSpeed(down)}` : null, up > 0 ? `\u2191 ${formatSpeed(up)}` : null].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(' ') : null;
}

/** The window title: the speeds first (what a taskbar shows), then the app's name. */
export function windowTitle(label: string | null): string {
  return label ? `${label} \u2014 Shoal` : 'Shoal';
}

// Selecting the label (a string) rather than the numbers' object keeps re-renders to real changes.
export function useSpeedLabel(): string | null {
  const downloads = useDomain('transfers', (s) => s.downloads);
  const uploads = useDomain('transfers', (s) => s.uploads);
  return speedLabel(totalSpeed(downloads, uploads));
}
