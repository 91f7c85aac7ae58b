// `shoal search`, `shoal get` and `shoal torrent`: check the arguments, read the same configuration as `shoal
// serve` (for index servers, limits and folders), then run the command. Returns the exit code.
import { resolve, join } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { categorySchema, fileIdSchema, hostPortSchema as address } from '../../src-shared/api/common.js';
import { ConfigError, loadConfig, type NodeConfig } from '../core/config/load-config.js';
import { runGet, type GetContext } from './get-command.js';
import { indexAddresses } from './index-addresses.js';
import { runSearch } from './search-command.js';
import { runTorrent } from './torrent-command.js';
import { EXIT_INVALID_CONFIG, type ServeContext } from './serve-command.js';

export interface SearchFlags { index?: string; category?: string; limit?: string; json?: boolean; config?: string; verbose?: boolean }
export interface GetFlags { index?: string; peer?: string; output?: string; data?: string; config?: string; verbose?: boolean }
export interface TorrentFlags { index?: string; peer?: string; output?: string; config?: string; verbose?: boolean }

export type TerminalContext = Omit<ServeContext, 'signals' | 'exit'> & { signals: GetContext['signals'] };


export async function searchCommand(words: string[], flags: SearchFlags, context: TerminalContext): Promise<number> {
  const args = z.object({
    index: address.optional(),
    category: categorySchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  }).safeParse(flags);
  if (!args.success) return usage(context, args.error);
  const config = readConfig(flags, context);
  if (!config) return EXIT_INVALID_CONFIG;
  const logger = pino({ level: flags.verbose ? 'debug' : 'silent' });
  const indexes = await indexAddresses(args.data.index, config, logger);
  return runSearch(indexes, { words, category: args.data.category, limit: args.data.limit, json: flags.json ?? false }, context);
}

export async function getCommand(fileId: string, flags: GetFlags, context: TerminalContext): Promise<number> {
  const args = z.object({ fileId: fileIdSchema, index: address.optional(), peer: address.optional() }).safeParse({ fileId, index: flags.index, peer: flags.peer });
  if (!args.success) return usage(context, args.error);
  const config = readConfig(flags, context);
  if (!config) return EXIT_INVALID_CONFIG;
  const logger = pino({ level: flags.verbose ? 'debug' : 'silent' });
  const indexes = args.data.peer && !args.data.index ? [] : await indexAddresses(args.data.index, config, logger);
  return runGet(indexes, {
    fileId: args.data.fileId, peer: args.data.peer,
    outputDirectory: resolve(context.cwd, flags.output ?? '.'),
    // Its own database by default, so it never races a running app over the same downloads.
    dataDirectory: flags.data ? resolve(context.cwd, flags.data) : join(config.data_directory, 'terminal'),
    maxFileSize: config.peer.max_file_size, maxDownloadRate: config.transfers.max_download_rate, stallMs: config.transfers.stall_timeout,
  }, { ...context, logger });
}

export async function torrentCommand(fileId: string, flags: TorrentFlags, context: TerminalContext): Promise<number> {
  const args = z.object({ fileId: fileIdSchema, index: address.optional(), peer: address.optional() }).safeParse({ fileId, index: flags.index, peer: flags.peer });
  if (!args.success) return usage(context, args.error);
  // A peer alone answers for itself; no configuration is needed to ask it.
  let addresses = args.data.peer ? [args.data.peer] : [];
  if (!args.data.peer || args.data.index) {
    const config = readConfig(flags, context);
    if (!config) return EXIT_INVALID_CONFIG;
    const logger = pino({ level: flags.verbose ? 'debug' : 'silent' });
    addresses = [...await indexAddresses(args.data.index, config, logger), ...addresses];
  }
  return runTorrent({ fileId: args.data.fileId, addresses, output: flags.output, cwd: context.cwd }, context);
}

function readConfig(flags: { config?: string }, context: TerminalContext): NodeConfig | undefined {
  try {
    return loadConfig({ ...context, flags: { config: flags.config } });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    context.stderr.write(`shoal: invalid configuration:\n${error.message}\n`);
    return undefined;
  }
}

function usage(context: TerminalContext, error: z.ZodError): number {
  const problems = error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('\n  ');
  context.stderr.write(`shoal: ${problems}\n(run "shoal --help" for usage)\n`);
  return EXIT_INVALID_CONFIG;
}
