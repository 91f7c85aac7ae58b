// The main window's options, as a pure function so a test can hold each item of Electron's
// security checklist against it without launching Electron.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1180, height: 780 };
/** The smallest window the layout fits (a phone-width 375 px); a saved size below it is not restored. */
export const MIN_SIZE = { width: 375, height: 480 } as const;

export function mainWindowOptions(o: { preloadPath: string; bounds?: WindowBounds; iconPath?: string }): BrowserWindowConstructorOptions {
  const bounds = o.bounds ?? DEFAULT_BOUNDS;
  return {
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Shoal',
    // Shown once the first paint is ready: no white flash before the theme applies.
    show: false,
    backgroundColor: '#0f1722',
    ...(o.iconPath ? { icon: o.iconPath } : {}),
    webPreferences: {
      preload: o.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A file dropped outside the drop zone must not navigate the window to file://.
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}
