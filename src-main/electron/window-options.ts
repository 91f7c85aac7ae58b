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

export function mainWindowOptions(o: { preloadPath: string; bounds?: WindowBounds; iconPath?: string }): BrowserWindowConstructorOptions {
  const bounds = o.bounds ?? DEFAULT_BOUNDS;
  return {
    ...bounds,
    minWidth: 375,
    minHeight: 480,
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
