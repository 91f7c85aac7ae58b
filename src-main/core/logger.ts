// The node's structured log: JSON lines by default (for servers and log shippers), human-readable
// with format "pretty". Written synchronously so the last lines before an exit are not lost.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { NodeConfig } from './config/config-schema.js';

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** Colours in pretty output; by default only when writing to a terminal. */
  colorize?: boolean;
  /** Wraps where lines go (`shoal serve` holds them until its summary is printed). */
  wrap?: (destination: DestinationStream) => DestinationStream;
}

export function createLogger(logging: NodeConfig['logging'], options: LoggerOptions = {}): Logger {
  const destination = destinationFor(logging, options);
  return pino({ level: logging.level }, options.wrap ? options.wrap(destination) : destination);
}

function destinationFor(logging: NodeConfig['logging'], options: LoggerOptions): DestinationStream {
  const target = logging.output === 'stdout' ? 1 : logging.output === 'stderr' ? 2 : logging.output;
  if (logging.format === 'pretty') {
    // In-process (not a worker transport): one less thread, and nothing to drain on exit.
    const colorize = options.colorize ?? (typeof target === 'number' && isTerminal(target));
    // Required here, not imported: the JSON default should not hold pino-pretty and its
    // dependencies (~1 MB of heap) for the life of the process.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pretty({ destination: target, sync: true, mkdir: true, colorize });
  }
  return pino.destination({ dest: target, sync: true, mkdir: true });
}

function isTerminal(fd: 1 | 2): boolean {
  return Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}
