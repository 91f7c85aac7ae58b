// Settings from command-line flags (`shoal serve --port 9002 --shared ~/Music`): the last word.
import { emptyLayer, setValue, type ConfigLayer } from './config-layer.js';

/** The flags `shoal serve` understands, as commander hands them over (strings, not yet checked). */
export interface ConfigFlags {
  port?: string | number;
  host?: string;
  shared?: string;
  data?: string;
  /** Logging at least as detailed as debug. */
  verbose?: boolean;
  /** The config file to read instead of <data_directory>/config.yaml. */
  config?: string;
}

const FLAG_KEYS = {
  port: ['peer', 'port'],
  host: ['peer', 'host'],
  shared: ['peer', 'shared_directory'],
  data: ['data_directory'],
} as const satisfies Partial<Record<keyof ConfigFlags, readonly string[]>>;

export function flagOverrides(flags: ConfigFlags): ConfigLayer {
  const layer = emptyLayer();
  for (const [flag, path] of Object.entries(FLAG_KEYS)) {
    const value = flags[flag as keyof typeof FLAG_KEYS];
    if (value === undefined) continue;
    // "--port 9002" arrives as text; a number is what the schema checks.
    const parsed = flag === 'port' && typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    setValue(layer, path, parsed, `--${flag}`);
  }
  return layer;
}
