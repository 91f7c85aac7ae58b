// `shoal search`, `shoal get`, `shoal torrent` and `shoal forget-index`: check the arguments, read the same
// configuration as `shoal serve` (for index servers, limits, folders and encryption), then run the command.
// Returns the exit code.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { categorySchema, fileIdSchema, hostPortSchema as address } from '../../src-shared/api/common.js';
import { givenIndexIds, indexAddressSchema, splitIndexAddress } from '../../src-shared/api/index-address.js';
import { ShoalError } from '../../src-shared/errors.js';
import { ConfigError, ignoredSettingMessage, loadConfig, type IgnoredSetting, type NodeConfig } from '../core/config/load-config.js';
import { byteSizeSchema } from '../core/config/units.js';
import { HashThread } from '../core/hashing/hash-thread.js';
import { loadOrCreateNodeKey } from '../core/identity/node-key.js';
import { IndexPins } from '../core/net/index-pins.js';
import { NodeDialer } from '../core/net/node-dialer.js';
import { NodeTls } from '../core/net/node-tls.js';
import { runGet, type GetContext } from './get-command.js';
import { indexAddresses } from './index-addresses.js';
import { provenIndexes } from './index-identity.js';
import { notAnIndexServer } from './index-probe.js';
import { fileIdOrPrefixSchema, resolveFileId } from './resolve-file-id.js';
import { runSearch } from './search-command.js';
import { runTorrent } from './torrent-command.js';
import { TerminalState } from './terminal-state.js';
import { EXIT_INVALID_CONFIG } from './exit-codes.js';
import type { ServeContext } from './serve-command.js';

export interface SearchFlags {
  index?: string; category?: string; ext?: string; minSize?: string; maxSize?: string; limit?: string; json?: boolean; config?: string; verbose?: boolean;
}
export interface GetFlags { dht?: boolean; index?: string; peer?: string; output?: string; data?: string; force?: boolean; config?: string; verbose?: boolean }
export interface TorrentFlags { index?: string; peer?: string; output?: string; config?: string; verbose?: boolean }
export interface ForgetIndexFlags { data?: string; config?: string }

export type TerminalContext = Omit<ServeContext, 'signals' | 'exit' | 'stdout' | 'stderr'> & {
  signals: GetContext['signals'];
  stdout: { write(text: string): unknown; columns?: number; isTTY?: boolean };
  stderr: GetContext['stderr'];
};


export async function searchCommand(words: string[], flags: SearchFlags, context: TerminalContext): Promise<number> {
  const args = z.object({
    index: indexAddressSchema.optional(),
    category: categorySchema.optional(),
    ext: z.string().trim().toLowerCase().transform((e) => e.replace(/^\./, '')).pipe(z.string().regex(/^[a-z0-9]{1,16}$/, 'expected an extension like mkv or .mkv')).optional(),
    minSize: byteSizeSchema.optional(),
    maxSize: byteSizeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  }).safeParse(flags);
  if (!args.success) return usage(context, args.error);
  const config = readConfig(flags, context);
  if (!config) return EXIT_INVALID_CONFIG;
  const state = new TerminalState(join(config.data_directory, 'terminal'));
  try {
    const dialer = terminalDialer(config, state, args.data.index);
    const index = args.data.index === undefined ? undefined : splitIndexAddress(args.data.index).address;
    if (index && !(await isIndex(index, dialer, context))) return 1;
    const logger = pino({ level: flags.verbose ? 'debug' : 'silent' });
    const indexes = await proven(await indexAddresses(index, config, logger), dialer, context);
    if (!indexes) return 1;
    const { index: _index, ...filters } = args.data;
    return await runSearch(indexes, { words, ...filters, json: flags.json ?? false, columns: context.stdout.columns ?? 80 }, context, await dialer());
  } finally {
    state.close();
  }
}

const getArgsSchema = z.object({ fileId: fileIdOrPrefixSchema, index: indexAddressSchema.optional(), peer: address.optional(), force: z.boolean().default(false) });
type GetArgs = z.infer<typeof getArgsSchema>;

export async function getCommand(fileId: string, flags: GetFlags, context: TerminalContext): Promise<number> {
  const args = getArgsSchema
    .safeParse({ fileId, index: flags.index, peer: flags.peer, force: flags.force });
  if (!args.success) return usage(context, args.error);
  // Where pieces are checked in its thread (no native addon), the thread boots now, on another
  // core, while the command reads its config and state and asks the network.
  const hashThread = new HashThread();
  hashThread.warmUp();
  try {
    return await getWith(args.data, flags, context, hashThread);
  } finally {
    await hashThread.close();
  }
}

async function getWith(args: GetArgs, flags: GetFlags, context: TerminalContext, hashThread: HashThread): Promise<number> {
  const config = readConfig(flags, context);
  if (!config) return EXIT_INVALID_CONFIG;
  // Its own database by default, so it never races a running app over the same downloads.
  const dataDirectory = stateDirectory(flags, config, context);
  const state = new TerminalState(dataDirectory);
  try {
    // One identity for the whole command: the probe, the id lookup and the download (the same key, the same pins).
    const dialer = terminalDialer(config, state, args.index);
    const index = args.index === undefined ? undefined : splitIndexAddress(args.index).address;
    if (index && !(await isIndex(index, dialer, context))) return 1;
    const logger = pino({ level: flags.verbose ? 'debug' : 'silent' });
    const indexes = await proven(args.peer && !index ? [] : await indexAddresses(index, config, logger), dialer, context, flags.data);
    if (!indexes) return 1;
    let id: string;
    try {
      id = await resolveFileId(args.fileId, indexes, dialer);
    } catch (error) {
      if (!(error instanceof ShoalError)) throw error;
      context.stderr.write(`shoal: ${error.message}\n`);
      return 1;
    }
    if (!flags.data) context.stderr.write(`Download state (for resuming after Ctrl-C) is kept in ${dataDirectory}; --data DIR to choose.\n`);
    return await runGet(indexes, {
      fileId: id, peer: args.peer, force: args.force, dataDirectory, database: () => state.database(),
      outputDirectory: resolve(context.cwd, flags.output ?? '.'),
      maxFileSize: config.peer.max_file_size, maxDownloadRate: config.transfers.max_download_rate, stallMs: config.transfers.stall_timeout, maxActiveSources: config.transfers.max_sources_per_download,
      ...(flags.dht || config.dht.enabled ? { dht: { bootstrap: config.dht.bootstrap, host: config.peer.host, peersPerLookup: config.dht.peers_per_lookup } } : {}),
      dialer, hashThread,
    }, { ...context, logger });
  } finally {
    state.close();
  }
}

export async function torrentCommand(fileId: string, flags: TorrentFlags, context: TerminalContext): Promise<number> {
  const args = z.object({ fileId: fileIdSchema, index: indexAddressSchema.optional(), peer: address.optional() }).safeParse({ fileId, index: flags.index, peer: flags.peer });
  if (!args.success) return usage(context, args.error);
  // Read even for a peer alone: whether to encrypt, and where the terminal's key is.
  const config = readConfig(flags, context);
  if (!config) return EXIT_INVALID_CONFIG;
  const state = new TerminalState(join(config.data_directory, 'terminal'));
  try {
    const dialer = terminalDialer(config, state, args.data.index);
    // A peer alone answers for itself: no index server is looked for.
    let addresses = args.data.peer ? [args.data.peer] : [];
    if (!args.data.peer || args.data.index) {
      const logger = pino({ level: flags.verbose ? 'debug' : 'silent' });
      const indexes = await proven(await indexAddresses(args.data.index === undefined ? undefined : splitIndexAddress(args.data.index).address, config, logger), dialer, context);
      if (!indexes) return 1;
      addresses = [...indexes, ...addresses];
    }
    return await runTorrent({ fileId: args.data.fileId, addresses, output: flags.output, cwd: context.cwd, dialer: await dialer() }, context);
  } finally {
    state.close();
  }
}

/**
 * `shoal forget-index host:port`: forgets the id the terminal commands keep for an index server
 * (the CLI's "Trust the new identity"), so the next command trusts whoever answers there and
 * keeps its id. Only the terminal's pins (the state folder's): a running node has its own, in Settings.
 */
export async function forgetIndexCommand(addressText: string, flags: ForgetIndexFlags, context: TerminalContext): Promise<number> {
  const args = z.object({ address }).safeParse({ address: addressText });
  if (!args.success) return usage(context, args.error);
  const config = readConfig(flags, context);
  if (!config) return EXIT_INVALID_CONFIG;
  const directory = stateDirectory(flags, config, context);
  const at = splitIndexAddress(args.data.address).address;
  // An id the configuration gives wins over any kept one: forgetting would change nothing.
  const given = givenIndexIds(config.peer.super_peer_address).get(at);
  if (given) {
    context.stderr.write(`shoal: the id of ${at} is given in the configuration (${at}#${given} in peer.super_peer_address); change it there.\n`);
    return 1;
  }
  if (!existsSync(join(directory, 'shoal.db'))) {
    context.stdout.write(`No index server id is kept in ${directory}: nothing to forget.\n`);
    return 0;
  }
  const state = new TerminalState(directory);
  try {
    const pinsState = state.nodeState();
    if (!pinsState) {
      context.stderr.write(`shoal: the disk holding ${directory} is full: nothing can be forgotten there until some space is freed.\n`);
      return 1;
    }
    const pins = new IndexPins({ state: pinsState });
    const kept = pins.view(at);
    if (!kept) {
      context.stdout.write(`No id is kept for ${at} in ${directory}: nothing to forget.\n`);
      return 0;
    }
    pins.forget(at);
    context.stdout.write(`Forgot the id ${kept.nodeId} kept for ${at}; the next command trusts the index server answering there and keeps its id.\n`);
    return 0;
  } finally {
    state.close();
  }
}

/** The terminal's state folder: `--data` (shoal get, shoal forget-index), else <data>/terminal. */
function stateDirectory(flags: { data?: string }, config: NodeConfig, context: TerminalContext): string {
  return flags.data ? resolve(context.cwd, flags.data) : join(config.data_directory, 'terminal');
}

/** The index servers that prove the id expected of them (index-identity.ts); undefined when some were named and none does. */
async function proven(indexes: string[], dialer: () => Promise<NodeDialer | undefined>, context: TerminalContext, data?: string): Promise<string[] | undefined> {
  if (indexes.length === 0) return indexes;
  // `--data` names the state folder whose pin to forget (shoal get's); else the default one.
  const forget = (at: string) => `shoal forget-index ${at}${data ? ` --data ${data}` : ''}`;
  const kept = await provenIndexes(indexes, await dialer(), context.stderr, forget);
  return kept.length > 0 ? kept : undefined;
}

/**
 * The terminal's identity when encryption is on: a node key kept in the state folder (made there on
 * first use), for TLS to index servers (each pinned to the id given with its address, `--index
 * host:port#NODEID` or the config's, else to the id it proves first, kept in the folder's database
 * from one command to the next) and to sources; so an index that refuses plain HTTP to strangers
 * still answers. Made once, and only when needed.
 */
function terminalDialer(config: NodeConfig, state: TerminalState, index?: string): () => Promise<NodeDialer | undefined> {
  let made: Promise<NodeDialer | undefined> | undefined;
  const given = givenIndexIds([...config.peer.super_peer_address, ...(index ? [index] : [])]);
  return () => (made ??= (async () => {
    if (!config.security.enable_encryption) return undefined;
    await mkdir(state.directory, { recursive: true, mode: 0o700 });
    const pinsState = state.nodeState();
    return new NodeDialer(await NodeTls.create(await loadOrCreateNodeKey(state.directory)), new IndexPins({ given: () => given, ...(pinsState ? { state: pinsState } : {}) }));
  })());
}

/** False (after saying so) when the address the user named as an index server is a peer's port. */
async function isIndex(address: string, dialer: () => Promise<NodeDialer | undefined>, context: TerminalContext): Promise<boolean> {
  const problem = await notAnIndexServer(address, await dialer());
  if (problem) context.stderr.write(`shoal: ${problem}\n`);
  return problem === undefined;
}

function readConfig(flags: { config?: string }, context: TerminalContext): NodeConfig | undefined {
  try {
    const onIgnored = (setting: IgnoredSetting) => context.stderr.write(`shoal: ${ignoredSettingMessage(setting)}\n`);
    return loadConfig({ ...context, flags: { config: flags.config }, onIgnored });
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
