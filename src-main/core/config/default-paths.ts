// Where a node keeps its things when the user has not said otherwise. Pure functions of
// (platform, env, homedir) so every platform's answer can be tested on any machine.
import path from 'node:path';

const APP_FOLDER = 'Shoal';

/** The path functions of the given platform (win32 paths on Windows, posix elsewhere). */
export function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * The per-user app-data folder, the same one Electron's app.getPath('userData') picks for an app
 * named "Shoal", so the desktop app and `shoal serve` share one library and database.
 */
export function defaultDataDirectory(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homedir: string): string {
  const p = pathApi(platform);
  if (platform === 'win32') {
    const appData = env['APPDATA'];
    return p.join(appData && p.isAbsolute(appData) ? appData : p.join(homedir, 'AppData', 'Roaming'), APP_FOLDER);
  }
  if (platform === 'darwin') return p.join(homedir, 'Library', 'Application Support', APP_FOLDER);
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env['XDG_CONFIG_HOME'];
  return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(homedir, '.config'), APP_FOLDER);
}

/** The folder shared by default: visible in the user's home, not hidden in app data. */
export function defaultSharedDirectory(platform: NodeJS.Platform, homedir: string): string {
  return pathApi(platform).join(homedir, APP_FOLDER, 'Shared');
}

/** Where finished downloads land by default. */
export function defaultDownloadDirectory(platform: NodeJS.Platform, homedir: string): string {
  return pathApi(platform).join(homedir, APP_FOLDER, 'Downloads');
}
