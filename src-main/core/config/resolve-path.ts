// Paths in settings: "~" means the user's home, and a relative path is relative to where it was
// written (the config file's folder, or the working directory for flags and environment).
import { pathApi } from './default-paths.js';

export function resolveUserPath(value: string, base: string, homedir: string, platform: NodeJS.Platform): string {
  const p = pathApi(platform);
  const separators = platform === 'win32' ? ['/', '\\'] : ['/'];
  let expanded = value;
  if (value === '~') expanded = homedir;
  else if (value.startsWith('~') && separators.includes(value.charAt(1))) expanded = p.join(homedir, value.slice(2));
  return p.resolve(base, expanded);
}

/** The settings that hold paths; "stdout"/"stderr" in logging.output are streams, not files. */
const PATH_SETTINGS: readonly (readonly string[])[] = [
  ['data_directory'],
  ['peer', 'shared_directory'],
  ['peer', 'download_directory'],
  ['logging', 'output'],
];
const STREAMS = new Set(['stdout', 'stderr']);

/** Makes the path settings of one source absolute, relative to that source's folder. */
export function resolveLayerPaths(
  values: Record<string, unknown>,
  base: string,
  homedir: string,
  platform: NodeJS.Platform,
): void {
  for (const path of PATH_SETTINGS) {
    const [first, second] = path;
    if (first === undefined) continue;
    const holder = second === undefined ? values : values[first];
    const key = second ?? first;
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) continue;
    const record = holder as Record<string, unknown>;
    const value = record[key];
    if (typeof value !== 'string' || value.trim() === '' || STREAMS.has(value.trim())) continue;
    record[key] = resolveUserPath(value.trim(), base, homedir, platform);
  }
}
