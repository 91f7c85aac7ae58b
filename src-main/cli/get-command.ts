// `shoal get FILE_ID`: downloads one file with the node's own download manager (every source,
// every piece verified), showing a progress bar. Exit 0 only once the whole-file hash matched;
// Ctrl-C keeps the verified pieces, and the same command later goes on from there.
import type { NodeDialer } from '../core/net/node-dialer.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { errorCatalogue, ShoalError } from '../../src-shared/errors.js';
import { formatBytes } from '../../src-shared/format-bytes.js';
import type { HashThread } from '../core/hashing/hash-thread.js';
import { DownloadManager } from '../core/downloads/download-manager.js';
import { networkSourceFinder } from '../core/downloads/source-finder.js';
import type { DhtNode } from '../core/dht/dht-node.js';
import { dhtSourceFinder, withDhtFallback } from '../core/dht/dht-source-finder.js';
import { EventBus } from '../core/events/event-bus.js';
import { openDatabase, type Db } from '../core/store/database.js';
import { diskIsFull, isDiskFull } from '../core/store/disk-full.js';
import { RateLimiter } from '../core/transfers/rate-limiter.js';
import { finishedHere } from './finished-here.js';
import { progressDisplay } from './progress-display.js';

export interface GetOptions {
  fileId: string;
  peer?: string;
  outputDirectory: string;
  dataDirectory: string;
  maxFileSize: number;
  maxDownloadRate: number;
  stallMs: number;
  /** transfers.max_sources_per_download */
  maxActiveSources: number;
  /** Download again even when this folder already holds the finished file. */
  force: boolean;
  /** Also look sources up in the DHT (lookups only: the terminal announces nothing); bootstrap [] = the public DHT. */
  dht?: { bootstrap: string[]; host: string; peersPerLookup: number };
  /** The state folder's database, opened once for the command (terminal-state.ts); default: opened, and closed, here. */
  database?: () => Db;
  /** The terminal's identity for TLS to every source (terminal-commands.ts); none: plain HTTP. */
  dialer?: () => Promise<NodeDialer | undefined>;
  /** Checks the pieces; the caller's, started early and closed by it (terminal-commands.ts). */
  hashThread: HashThread;
}

export interface GetContext {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  signals: { once(signal: NodeJS.Signals, listener: () => void): unknown; off(signal: NodeJS.Signals, listener: () => void): unknown };
  logger: Logger;
}

export const EXIT_INTERRUPTED = 130;

export async function runGet(indexes: readonly string[], o: GetOptions, context: GetContext): Promise<number> {
  if (indexes.length === 0 && !o.peer && !o.dht) {
    context.stderr.write('shoal: no index server known. Give one with --index HOST:PORT (or a peer with --peer HOST:PORT, or --dht to find sources in the DHT).\n');
    return 1;
  }
  let db: Db;
  try {
    await mkdir(o.dataDirectory, { recursive: true, mode: 0o700 });
    db = o.database ? o.database() : openDatabase(join(o.dataDirectory, 'shoal.db'));
  } catch (err) {
    // A new database cannot even be created on a full disk: say so, not a stack trace.
    if (!isDiskFull(err) && !(await diskIsFull(o.dataDirectory).catch(() => false))) throw err;
    context.stderr.write(`shoal: the disk holding ${o.dataDirectory} is full. Free some space, then run the same command again.\n`);
    return 1;
  }
  const bus = new EventBus();
  // Any free UDP port: a running app on this machine may hold dht.port.
  // bittorrent-dht is loaded only when the DHT is on (~0.15 s of CPU to import).
  const dhtSettings = o.dht;
  const dht = dhtSettings ? await import('../core/dht/dht-node.js').then(({ DhtNode: Dht }) => Dht.start({ port: 0, host: dhtSettings.host, bootstrap: dhtSettings.bootstrap.length > 0 ? dhtSettings.bootstrap : 'public', logger: context.logger })).catch((err: unknown): DhtNode | null => {
    context.stderr.write(`shoal: the DHT could not start (${err instanceof Error ? err.message : String(err)}); finding sources without it.\n`);
    return null;
  }) : null;
  const dialer = await o.dialer?.();
  const hashThread = o.hashThread;
  const manager = new DownloadManager({
    db, dataDirectory: o.dataDirectory, bus, hashThread, logger: context.logger, limiter: new RateLimiter(o.maxDownloadRate),
    finder: withDhtFallback(networkSourceFinder({ indexAddresses: () => [...indexes], selfPeerId: null, ...(dialer ? { dialer } : {}) }), dhtSourceFinder({ dht: () => dht, selfPeerId: null, peersPerLookup: o.dht?.peersPerLookup ?? 20, ...(dialer ? { dialer } : {}) })),
    ...(dialer ? { dialer } : {}),
    settings: () => ({ downloadDirectory: o.outputDirectory, shareDownloads: false, maxFileSize: o.maxFileSize }),
    share: async () => undefined,
    report: () => undefined, // only a registered peer may report sources
    timing: { stallMs: o.stallMs }, maxActiveSources: o.maxActiveSources,
  });
  manager.restore({ resume: false });
  const bar = progressDisplay(context.stderr);

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let started: DownloadView | undefined;
  const unsubscribe = bus.subscribe((event) => {
    if (!started || !('id' in (event.data as object)) || (event.data as DownloadView).id !== started.id) return;
    const d = event.data as DownloadView;
    if (event.type === 'transfer_progress') {
      bar.update(d);
    } else if (event.type === 'transfer_completed') {
      bar.stop();
      context.stdout.write(`${d.path}\n`);
      const served = d.sources.filter((s) => s.bytes > 0).length;
      context.stderr.write(`Downloaded ${formatBytes(d.size ?? 0)} from ${served} ${served === 1 ? 'source' : 'sources'}; every piece verified against the id ${d.fileId}\n`);
      finish(0);
    } else if (event.type === 'transfer_failed') {
      bar.stop();
      context.stderr.write(`shoal: the download failed: ${d.error?.message ?? 'unknown reason'}\n`);
      finish(1);
    }
  });
  const onSignal = () => finish(EXIT_INTERRUPTED);
  /** The download a signal stopped, told about once its progress is saved. */
  let interrupted: string | undefined;
  context.signals.once('SIGINT', onSignal);
  context.signals.once('SIGTERM', onSignal);

  try {
    const done = o.force ? undefined : await finishedHere(manager.list(), o.fileId, o.outputDirectory);
    if (done) {
      context.stdout.write(`${done}\n`);
      context.stderr.write(`${done}: ${errorCatalogue.ALREADY_DOWNLOADED.message}\n`);
      return 0;
    }
    try {
      started = await manager.start({ fileId: o.fileId, ...(o.peer ? { peer: o.peer } : {}) });
    } catch (err) {
      context.stderr.write(`shoal: ${err instanceof ShoalError ? err.message : String(err)}\n`);
      return 1;
    }
    if (started.state === 'completed') finish(0);
    const code = await finished;
    if (code === EXIT_INTERRUPTED) {
      bar.stop();
      interrupted = started.id;
    }
    return code;
  } finally {
    unsubscribe();
    context.signals.off('SIGINT', onSignal);
    context.signals.off('SIGTERM', onSignal);
    await manager.close(); // saves the verified pieces
    // After the close: pieces checked while it wound down are saved, and counted.
    if (interrupted) context.stderr.write(`\nStopped at ${formatBytes(manager.get(interrupted).bytesVerified)} verified. Run the same command again to go on.\n`);
    await dht?.close();
    if (!o.database) db.close();
  }
}
