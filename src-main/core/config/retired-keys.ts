// Settings Shoal once accepted and no longer reads. A config file or variable that still sets one
// keeps loading (an upgrade must not stop a node over a setting that now does nothing), and the
// caller is told, so it can warn naming the key. Every other unknown key stays an error.
import type { ConfigLayer } from './config-layer.js';
import { isPlainObject } from './config-layer.js';

/** Dotted key → why it is ignored (shown to the user). */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
  'peer.heartbeat_interval': 'an index server tells its peers how often to heartbeat (super_peer.heartbeat_interval, on the index)',
};

export interface IgnoredSetting {
  key: string;
  /** The file or variable that set it. */
  source: string;
  why: string;
}

/** The variable that would set a retired key: SHOAL_PEER_HEARTBEAT_INTERVAL. */
export function retiredEnvName(key: string): string {
  return `SHOAL_${key.replaceAll('.', '_').toUpperCase()}`;
}

/** Takes the retired keys out of a layer (a file's), returning what it held. */
export function dropRetiredKeys(layer: ConfigLayer): IgnoredSetting[] {
  const ignored: IgnoredSetting[] = [];
  for (const [key, why] of Object.entries(RETIRED_KEYS)) {
    const path = key.split('.');
    const leaf = path.pop() as string;
    let section: unknown = layer.values;
    for (const part of path) section = isPlainObject(section) ? section[part] : undefined;
    if (!isPlainObject(section) || !Object.hasOwn(section, leaf)) continue;
    delete section[leaf];
    ignored.push({ key, source: layer.sources.get(key) ?? 'config', why });
    layer.sources.delete(key);
  }
  return ignored;
}

/** The environment without the variables of retired keys, and what they set. */
export function withoutRetiredVariables(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; ignored: IgnoredSetting[] } {
  const rest = { ...env };
  const ignored: IgnoredSetting[] = [];
  for (const [key, why] of Object.entries(RETIRED_KEYS)) {
    const name = retiredEnvName(key);
    if (rest[name] === undefined) continue;
    delete rest[name];
    ignored.push({ key, source: name, why });
  }
  return { env: rest, ignored };
}

/** One line for a log or a terminal. */
export function ignoredSettingMessage(s: IgnoredSetting): string {
  return `${s.key} (from ${s.source}) is ignored: ${s.why}`;
}
