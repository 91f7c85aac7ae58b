// Settings from command-line flags (`shoal serve --port 9002 --shared ~/Music`): the last word.
import { emptyLayer, setValue, type ConfigLayer } from './config-layer.js';

/** The flags `shoal serve` understands, as commander hands them over (strings, not yet checked). */
export interface ConfigFlags {
  port?: string | number;
  host?: string;
  shared?: string;
  downloads?: string;
  data?: string;
  /** Logging at least as detailed as debug. */
  verbose?: boolean;
  /** The config file to read instead of <data_directory>/config.yaml. */
  config?: string;
  /** Start with the index server role on. */
  index?: boolean;
  indexPort?: string | number;
  /** commander's `--no-share`: false when given. */
  share?: boolean;
  /** Index servers to register with (`--index-server host:port`, repeatable). */
  indexServer?: string[];
}

const FLAG_KEYS = {
  port: ['peer', 'port'],
  host: ['peer', 'host'],
  shared: ['peer', 'shared_directory'],
  downloads: ['peer', 'download_directory'],
  data: ['data_directory'],
  index: ['super_peer', 'enabled'],
  indexPort: ['super_peer', 'port'],
  share: ['peer', 'share'],
  indexServer: ['peer', 'super_peer_address'],
} as const satisfies Partial<Record<keyof ConfigFlags, readonly string[]>>;

/** `--index-port` for indexPort, `--no-share` for share: how a flag is written on the command line. */
export function flagName(flag: keyof typeof FLAG_KEYS): string {
  return `--${flag === 'share' ? 'no-share' : flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Each flag of `shoal serve` that sets a key, with that key's path (docs/configuration.md lists them). */
export function flagKeys(): { flag: string; path: readonly string[] }[] {
  return Object.entries(FLAG_KEYS).map(([flag, path]) => ({ flag: flagName(flag as keyof typeof FLAG_KEYS), path }));
}

export function flagOverrides(flags: ConfigFlags): ConfigLayer {
  const layer = emptyLayer();
  for (const [flag, path] of Object.entries(FLAG_KEYS)) {
    const value = flags[flag as keyof typeof FLAG_KEYS];
    // Switches only say something when given: commander reports `--no-share` absent as true.
    if (value === undefined || (flag === 'share' && value === true) || (flag === 'index' && value !== true)) continue;
    // "--port 9002" arrives as text; a number is what the schema checks.
    const numeric = (flag === 'port' || flag === 'indexPort') && typeof value === 'string' && /^\s*\d+\s*$/.test(value);
    setValue(layer, path, numeric ? Number(value) : value, flagName(flag as keyof typeof FLAG_KEYS));
  }
  return layer;
}
