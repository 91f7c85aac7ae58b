// Settings from environment variables: SHOAL_<SECTION>_<KEY> for every key of the schema
// (SHOAL_PEER_PORT, SHOAL_SUPER_PEER_ENABLED, SHOAL_DATA_DIRECTORY, …), plus the seed's
// conventions PORT (= peer.port, used by its load test) and DEBUG=true (see wantsDebug).
import { closest, type ConfigProblem } from './config-error.js';
import type { ConfigKey } from './config-keys.js';
import { emptyLayer, setValue, type ConfigLayer } from './config-layer.js';

export interface EnvOverrides {
  layer: ConfigLayer;
  /** SHOAL_ variables in a known section that match no key: almost certainly typos. */
  problems: ConfigProblem[];
}

export function envOverrides(env: NodeJS.ProcessEnv, keys: readonly ConfigKey[]): EnvOverrides {
  const layer = emptyLayer();
  const port = env['PORT'];
  if (port) setValue(layer, ['peer', 'port'], coerce(port, keys, ['peer', 'port']), 'PORT');

  for (const key of keys) {
    const text = env[key.envName];
    // An empty variable counts as unset, as in most shells' and compose files' habits.
    if (text) setValue(layer, key.path, coerceFor(text, key), key.envName);
  }
  return { layer, problems: unknownVariables(env, keys) };
}

/** DEBUG=true (or 1/yes/on) asks for debug logging; other DEBUG values belong to other tools. */
export function wantsDebug(env: NodeJS.ProcessEnv): boolean {
  return /^(true|1|yes|on)$/i.test(env['DEBUG']?.trim() ?? '');
}

function coerce(text: string, keys: readonly ConfigKey[], path: readonly string[]): unknown {
  const key = keys.find((candidate) => candidate.path.join('.') === path.join('.'));
  return key ? coerceFor(text, key) : text;
}

/**
 * Variables are always strings; the schema decides what they mean. The first reading the key's
 * schema accepts wins; if none does, the raw text goes on and its error names the variable.
 */
function coerceFor(text: string, key: ConfigKey): unknown {
  const trimmed = text.trim();
  const readings: unknown[] = [text];
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) readings.push(Number(trimmed));
  if (/^(true|yes|on|1)$/i.test(trimmed)) readings.push(true);
  if (/^(false|no|off|0)$/i.test(trimmed)) readings.push(false);
  if (trimmed.includes(',')) readings.push(trimmed.split(',').map((part) => part.trim()).filter(Boolean));
  const accepted = readings.find((reading) => key.schema.safeParse(reading).success);
  if (accepted !== undefined) return accepted;
  // Nothing fits: a number or a list makes the clearer error ("got 70000", "….1: got \"b\"").
  return readings.find((reading) => typeof reading === 'number' || Array.isArray(reading)) ?? text;
}

function unknownVariables(env: NodeJS.ProcessEnv, keys: readonly ConfigKey[]): ConfigProblem[] {
  const known = new Set(keys.map((key) => key.envName));
  const sections = [...new Set(keys.filter((key) => key.path.length > 1).map((key) => `SHOAL_${key.path[0]?.toUpperCase()}_`))];
  return Object.keys(env)
    .filter((name) => !known.has(name) && sections.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => {
      const guess = closest(name, [...known]);
      return {
        key: name,
        problem: `unknown setting${guess ? ` (did you mean ${guess}?)` : ''}`,
        source: 'environment',
      };
    });
}
