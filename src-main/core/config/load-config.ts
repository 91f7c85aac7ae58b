// The node's configuration: defaults < config file < environment < flags, validated as a whole.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { ConfigError, problemsFromIssues, type ConfigProblem } from './config-error.js';
import { keysAt, configKeys } from './config-keys.js';
import { isPlainObject, layerFromDocument, mergeLayers, sourceAt, valueAt, type ConfigLayer } from './config-layer.js';
import { createConfigSchema, LOG_LEVELS, type NodeConfig } from './config-schema.js';
import {
  defaultDataDirectory,
  defaultDownloadDirectory,
  defaultSharedDirectory,
  pathApi,
} from './default-paths.js';
import { envOverrides, wantsDebug } from './env-overrides.js';
import { flagOverrides, type ConfigFlags } from './flag-overrides.js';
import { resolveLayerPaths, resolveUserPath } from './resolve-path.js';
import { dropRetiredKeys, withoutRetiredVariables, type IgnoredSetting } from './retired-keys.js';

export { ConfigError } from './config-error.js';
export type { ConfigFlags } from './flag-overrides.js';
export type { NodeConfig } from './config-schema.js';
export type { IgnoredSetting } from './retired-keys.js';
export { ignoredSettingMessage } from './retired-keys.js';

export interface LoadConfigInput {
  /** A config file the user named; it must exist. Otherwise <data_directory>/config.yaml, if present. */
  configFile?: string;
  env: NodeJS.ProcessEnv;
  flags: Partial<ConfigFlags>;
  cwd: string;
  homedir: string;
  platform: NodeJS.Platform;
  hostname: string;
  /** Told of each retired setting that was set (and ignored), to warn about it. */
  onIgnored?: (setting: IgnoredSetting) => void;
}

export const CONFIG_FILE_NAME = 'config.yaml';

export function loadConfig(input: LoadConfigInput): NodeConfig {
  const { flags, cwd, homedir, platform } = input;
  const { env, ignored } = withoutRetiredVariables(input.env);
  const schema = createConfigSchema({
    dataDirectory: defaultDataDirectory(platform, env, homedir),
    sharedDirectory: defaultSharedDirectory(platform, homedir),
    downloadDirectory: defaultDownloadDirectory(platform, homedir),
    name: input.hostname.trim() || 'Shoal peer',
  });
  const keys = configKeys(schema);

  const fromEnv = envOverrides(env, keys);
  const fromFlags = flagOverrides(flags);
  for (const layer of [fromEnv.layer, fromFlags]) resolveLayerPaths(layer.values, cwd, homedir, platform);

  const file = findConfigFile(input, [fromFlags, fromEnv.layer]);
  const fromFile = file ? readConfigFile(file, homedir, platform) : undefined;
  if (fromFile) ignored.push(...dropRetiredKeys(fromFile));

  const merged = mergeLayers(fromFile ? [fromFile, fromEnv.layer, fromFlags] : [fromEnv.layer, fromFlags]);
  const result = schema.safeParse(merged.values);
  const problems: ConfigProblem[] = [...fromEnv.problems];
  if (!result.success) {
    problems.push(
      ...problemsFromIssues(
        result.error.issues,
        (path) => sourceAt(merged, path),
        (path) => valueAt(merged.values, path),
        (path) => keysAt(schema, path),
      ),
    );
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);

  const config = result.data;
  for (const setting of ignored) input.onIgnored?.(setting);
  // --verbose and DEBUG=true ask for *at least* debug detail; they never make logging quieter.
  if ((flags.verbose || wantsDebug(env)) && moreQuietThanDebug(config.logging.level)) {
    config.logging.level = 'debug';
  }
  return config;
}

/** The explicitly named file (--config, SHOAL_CONFIG), else <data_directory>/config.yaml if it exists. */
function findConfigFile(input: LoadConfigInput, overrides: readonly ConfigLayer[]): string | undefined {
  const { env, flags, cwd, homedir, platform } = input;
  const named = input.configFile ?? flags.config ?? (env['SHOAL_CONFIG'] || undefined);
  if (named !== undefined) {
    const file = resolveUserPath(named, cwd, homedir, platform);
    if (!fs.existsSync(file)) throw new ConfigError([{ key: 'config file', problem: `${file} does not exist` }]);
    return file;
  }
  const dataDirectory = overrides
    .map((layer) => layer.values['data_directory'])
    .find((value): value is string => typeof value === 'string') ?? defaultDataDirectory(platform, env, homedir);
  const file = pathApi(platform).join(dataDirectory, CONFIG_FILE_NAME);
  return fs.existsSync(file) ? file : undefined;
}

function readConfigFile(file: string, homedir: string, platform: NodeJS.Platform): ConfigLayer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([{ key: 'config file', problem: `cannot read ${file}: ${reason}` }]);
  }
  // Required only when there is a file to read: most nodes have none, and the parser is ~1 MB of
  // heap held for the life of the process.
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({ key: file, problem: `invalid YAML: ${(error.message.split('\n')[0] ?? '').trim().replace(/:$/, '')}` })),
    );
  }
  const values: unknown = document.toJS() ?? {}; // an empty file is an empty config
  if (!isPlainObject(values)) {
    throw new ConfigError([{ key: file, problem: 'expected a YAML mapping of sections (peer:, logging:, …)' }]);
  }
  resolveLayerPaths(values, pathApi(platform).dirname(file), homedir, platform);
  return layerFromDocument(values, file);
}

function moreQuietThanDebug(level: NodeConfig['logging']['level']): boolean {
  return LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf('debug');
}
