// Paths the library never shares, whatever the config or the user asks: the node's own state (its
// data folder holds the control token and the database; a log file names private paths) and the
// system's secrets and pseudo-files. A configured shared folder that holds one of them is shared
// without it; sharing one by hand, or a folder holding one, is refused (403 PATH_NOT_SHAREABLE).
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isInside } from './path-rules.js';

/** Kernel pseudo-files, devices, and the files that hold passwords and keys. */
export function systemSecretPaths(platform: NodeJS.Platform): string[] {
  if (platform === 'win32') {
    const windows = process.env.SystemRoot ?? 'C:\\Windows';
    return [join(windows, 'System32', 'config')];
  }
  // Not /run nor /root: removable drives mount under /run/media, and a node in a container runs as root.
  const common = ['/proc', '/sys', '/dev', '/run/secrets', '/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/sudoers', '/etc/sudoers.d', '/etc/ssh', '/etc/ssl/private'];
  return platform === 'darwin' ? [...common, '/private/etc/master.passwd', '/private/var/db', '/private/etc/ssh', '/System', '/Library/Keychains'] : common;
}

export class NeverShared {
  constructor(readonly paths: readonly string[]) {}

  /** True when `path` is one of the never-shared paths or lies inside one. */
  covers(path: string): boolean {
    return this.paths.some((p) => isInside(path, p));
  }

  /** The never-shared paths under `folder` (a folder that holds some must leave them out). */
  under(folder: string): string[] {
    return this.paths.filter((p) => p !== folder && isInside(p, folder));
  }
}

/**
 * Resolves the node's own paths (symbolic links followed, as the library compares real paths)
 * and adds the system's. A path that does not exist yet is kept as written, its folder resolved.
 */
export async function neverSharedPaths(own: string[], platform: NodeJS.Platform = process.platform): Promise<NeverShared> {
  const resolved = await Promise.all([...own, ...systemSecretPaths(platform)].map(realOrAsWritten));
  return new NeverShared([...new Set(resolved)]);
}

async function realOrAsWritten(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const folder = await realpath(dirname(path)).catch(() => dirname(path));
    return join(folder, basename(path));
  }
}
