// Where electron-builder's unpacked output keeps the app's executable on each platform (--dir,
// electron-builder.yml: productName Shoal, linux.executableName shoal). SHOAL_APP overrides it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function packagedAppCandidates(dist: string, platform: NodeJS.Platform, arch: string): string[] {
  if (platform === 'darwin') {
    const folders = arch === 'arm64' ? ['mac-arm64', 'mac', 'mac-universal'] : ['mac', 'mac-universal'];
    return folders.map((folder) => join(dist, folder, 'Shoal.app', 'Contents', 'MacOS', 'Shoal'));
  }
  if (platform === 'win32') return [join(dist, 'win-unpacked', 'Shoal.exe')];
  return [join(dist, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`, 'shoal')];
}

/** The packaged app to test, or null when there is none on this machine. */
export function findPackagedApp(dist: string, env = process.env): string | null {
  if (env.SHOAL_APP) return existsSync(env.SHOAL_APP) ? env.SHOAL_APP : null;
  return packagedAppCandidates(dist, process.platform, process.arch).find((path) => existsSync(path)) ?? null;
}
