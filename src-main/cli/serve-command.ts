// `shoal serve`: load the configuration, start the node, tell the user where to find it, and
// stop cleanly on Ctrl-C / SIGTERM.
import { ConfigError, ignoredSettingMessage, loadConfig, type ConfigFlags, type IgnoredSetting, type NodeConfig } from '../core/config/load-config.js';
import { holdLines, type HeldDestination } from '../core/held-destination.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { FailurePolicy } from '../core/node/failure-policy.js';
import { EXIT_INVALID_CONFIG } from './exit-codes.js';
import { startSummary } from './start-summary.js';
import { stopOnSignals, type SignalSource } from './stop-on-signals.js';

/** Everything serve takes from the process, passed in so it is plain to see (and to fake). */
export interface ServeContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  homedir: string;
  platform: NodeJS.Platform;
  hostname: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  signals: SignalSource;
  exit: (code: number) => void;
  /** The process's policy for uncaught errors (failure-policy.ts): serve points it at its logger. */
  failures?: FailurePolicy;
}

export async function serve(flags: ConfigFlags, context: ServeContext): Promise<void> {
  let config: NodeConfig;
  const ignored: IgnoredSetting[] = []; // said once the logger exists
  try {
    config = loadConfig({ ...context, flags, onIgnored: (setting) => ignored.push(setting) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    context.stderr.write(`shoal: invalid configuration:\n${error.message}\n`);
    context.exit(EXIT_INVALID_CONFIG);
    return;
  }
  let held: HeldDestination | undefined;
  const logger = createLogger(config.logging, { wrap: (destination) => (held = holdLines(destination)) });
  context.failures?.reportTo((kind, err) => {
    if (kind === 'uncaughtException') logger.fatal({ err }, 'an uncaught exception: stopping (state can no longer be trusted)');
    else logger.error({ err }, 'a promise failed and nothing handled it (a bug): the node keeps running');
  });
  for (const setting of ignored) logger.warn({ key: setting.key, source: setting.source }, ignoredSettingMessage(setting));
  if (!config.security.enable_encryption) {
    logger.warn('security.enable_encryption is off: this node calls other nodes in plain HTTP (anyone on the path can read and change what it fetches)');
  }

  // Loaded only here: --help and --version should not pay for SQLite, HTTP and workers.
  const { startNode } = await import('../core/node/shoal-node.js');
  let node;
  try {
    node = await startNode({ config, logger });
  } catch (error) {
    logger.fatal({ err: error }, 'could not start the node');
    context.stderr.write(`shoal: could not start: ${describe(error)}\n`);
    held?.release();
    context.exit(1);
    return;
  }

  stopOnSignals({
    signals: context.signals,
    stop: async () => {
      context.stdout.write('\nStopping Shoal\u2026 (Ctrl-C again to quit at once)\n');
      await node.stop();
      context.stdout.write('Shoal stopped.\n');
    },
    exit: (code) => {
      logger.flush();
      context.exit(code);
    },
    report: (message, error) => reportStopProblem(logger, context, message, error),
  });
  // Printed, not logged: what a person starting `shoal serve` needs, in any log format, before the log.
  context.stdout.write(startSummary({ controlUrl: node.controlUrl, port: node.port, indexRole: node.indexRole.status(), config, dht: node.dht.view() }));
  held?.release();
}

function reportStopProblem(logger: Logger, context: ServeContext, message: string, error: unknown): void {
  logger.error({ err: error }, message);
  context.stderr.write(`shoal: ${message}${error === undefined ? '' : `: ${describe(error)}`}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
