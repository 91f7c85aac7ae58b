// The tray icon's words and menu, as pure functions of the transfers (main.ts rebuilds them as
// transfers move). Closing the window keeps Shoal sharing from the tray; Quit stops it.
import type { MenuItemConstructorOptions } from 'electron';
import { isRunningDownload, type DownloadView } from '../../src-shared/api/transfers.js';
import { formatBytes } from '../../src-shared/format-bytes.js';

/** Downloads that "pause all" stops: everything not yet finished and not already paused. */
export const isRunning = (d: DownloadView) => isRunningDownload(d.state);

export function trayTooltip(downloads: readonly DownloadView[]): string {
  const running = downloads.filter(isRunning);
  if (running.length === 0) return 'Shoal: sharing';
  const speed = running.reduce((sum, d) => sum + d.speed, 0);
  return `Shoal: ${running.length} download${running.length === 1 ? '' : 's'}, ${formatBytes(speed)}/s`;
}

export interface TrayActions {
  open(): void;
  pauseAll(): void;
  resumeAll(): void;
  quit(): void;
}

export function trayMenu(downloads: readonly DownloadView[], pausedByTray: boolean, actions: TrayActions): MenuItemConstructorOptions[] {
  const running = downloads.filter(isRunning).length;
  return [
    { label: trayTooltip(downloads), enabled: false },
    { type: 'separator' },
    { label: 'Open Shoal', click: actions.open },
    pausedByTray
      ? { label: 'Resume transfers', click: actions.resumeAll }
      : { label: 'Pause all transfers', enabled: running > 0, click: actions.pauseAll },
    { type: 'separator' },
    { label: 'Quit Shoal', click: actions.quit },
  ];
}
