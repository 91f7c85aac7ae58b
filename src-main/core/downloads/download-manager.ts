// Every download of the node: start from a file id (or a peer and a file id), list, pause,
// resume, cancel, and after a restart go on with each unfinished one. Progress reaches the
// event bus at most four times a second per download. When the data folder's disk is full
// (downloads cannot save their progress), nothing new starts and the downloads it stopped go on
// by themselves once there is room; a start-up on a full disk waits the same way.
import type { NodeDialer } from '../net/node-dialer.js';
import { randomUUID } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { mkdir, rm, statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import { isRunningDownload, type DownloadView, type StartDownload } from '../../../src-shared/api/transfers.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { EventBus } from '../events/event-bus.js';
import { throttle, type Throttled } from '../events/throttle.js';
import type { RateLimiter } from '../transfers/rate-limiter.js';
import type { HashThread } from '../hashing/hash-thread.js';
import { Download, type DownloadContext, type DownloadTiming } from './download.js';
import { DownloadStore, type DownloadRecord } from './download-store.js';
import type { Db } from '../store/database.js';
import { DATA_DISK_RESERVE_BYTES, isDiskFull } from '../store/disk-full.js';
import { DataDiskWatch } from './data-disk-watch.js';
import { safeFileName } from '../files/safe-file-name.js';
import type { FoundFile, SourceFinder } from './source-finder.js';
import { SourceRtt } from './source-rtt.js';
import { MAX_ACTIVE_SOURCES } from './source-selection.js';

export interface DownloadManagerOptions {
  db: Db;
  /** The folder holding the database, whose disk may fill up. */
  dataDirectory: string;
  finder: SourceFinder;
  limiter: RateLimiter;
  bus: EventBus;
  logger: Logger;
  settings(): { downloadDirectory: string; shareDownloads: boolean; maxFileSize: number };
  /** Adds a finished file to the library, with the hashes it was just verified against. */
  share(path: string, hashes: { id: string; pieceSize: number; pieceHashes: Buffer }): Promise<unknown>;
  /** Tells the index server how a source did (its reputation follows). */
  report: DownloadContext['report'];
  timing?: Partial<DownloadTiming>;
  /** Checks the pieces (shared with the library's background SHA-256). */
  hashThread: HashThread;
  /** This node's id, sent to sources with each range request. */
  selfId?: string;
  /** How sources are reached (TLS pinned to their node ids when encryption is on). */
  dialer?: NodeDialer;
  /** Sources one download uses at once (transfers.max_sources_per_download); default MAX_ACTIVE_SOURCES. */
  maxActiveSources?: number;
}

const DEFAULT_TIMING: DownloadTiming = { stallMs: 10_000, findRetryMs: 10_000, sourceRefreshMs: 30_000, checkpointMs: 1_000 };
const PROGRESS_INTERVAL_MS = 250;
const DATA_DISK_FULL = 'The disk holding Shoal\'s data folder is full: no download can start until some space is freed.';

export class DownloadManager {
  private readonly store: DownloadStore;
  private readonly downloads = new Map<string, Download>();
  private readonly progress = new Map<string, Throttled>();
  /** Starts still asking the network, by file id and folder. */
  private readonly starting = new Map<string, Promise<DownloadView>>();
  private readonly timing: DownloadTiming;
  private readonly dataDisk: DataDiskWatch;
  /** Downloads that could not save for want of space on the data disk: saved (and resumed) once there is room. */
  private readonly awaitingSpace = new Set<Download>();
  /** Round trips to sources, measured by the downloads and kept for the next ones. */
  private readonly rtt = new SourceRtt();

  constructor(private readonly o: DownloadManagerOptions) {
    this.store = new DownloadStore(o.db);
    this.timing = { ...DEFAULT_TIMING, ...o.timing };
    this.dataDisk = new DataDiskWatch(o.dataDirectory, () => this.spaceReturned());
  }

  /** Loads every download; the node goes on with the unfinished ones (`shoal get` only with its own). */
  restore({ resume }: { resume: boolean }): void {
    const fs = statfsSync(this.o.dataDirectory);
    if (fs.bavail * fs.bsize < DATA_DISK_RESERVE_BYTES) {
      this.o.logger.warn({ data: this.o.dataDirectory }, 'the disk holding the data folder is full: no download starts or goes on until there is room');
      this.dataDisk.markFull();
    }
    for (const record of this.store.all()) {
      // A download cancelled without its run (by a migration) still has its partial file.
      const partial = record.partialPath;
      const download = this.create(record);
      if (record.state === 'cancelled' && partial) {
        void rm(partial, { force: true }).catch((err: unknown) => this.o.logger.warn({ err, path: partial }, 'could not delete a partial file'));
        record.partialPath = null;
        download.persist();
      }
      if (!resume || !isRunningDownload(record.state)) continue;
      if (!this.dataDisk.full) {
        download.start();
        continue;
      }
      download.holdForSpace();
      this.awaitingSpace.add(download);
    }
  }

  /** Starts a download, or goes on with the unfinished one of the same file into the same folder. */
  async start(input: StartDownload): Promise<DownloadView> {
    if (this.dataDisk.full) throw new ShoalError('DISK_FULL', DATA_DISK_FULL);
    const settings = this.o.settings();
    const unfinished = [...this.downloads.values()].find((d) => d.record.fileId === input.fileId && !d.finished && d.record.directory === settings.downloadDirectory);
    // One being cancelled still deletes its partial file: the new start waits for that, then is a new download.
    const cancelled = unfinished?.cancelled;
    if (cancelled) return cancelled.catch(() => undefined).then(() => this.start(input));
    if (unfinished) {
      if (unfinished.state === 'paused' || unfinished.state === 'failed') unfinished.resume();
      else unfinished.start();
      return unfinished.view();
    }
    // Starting is atomic per file and folder: a second start while the first still asks the
    // network joins it, instead of making a second download of the same partial file.
    const key = `${input.fileId}\n${settings.downloadDirectory}`;
    const starting = this.starting.get(key);
    if (starting) return starting;
    const started = this.startNew(input, settings).finally(() => this.starting.delete(key));
    this.starting.set(key, started);
    return started;
  }

  private async startNew(input: StartDownload, settings: ReturnType<DownloadManagerOptions['settings']>): Promise<DownloadView> {
    // Asked once here so a wrong id or an unknown file is a clear error, not a download that waits for ever.
    const found = await this.o.finder.find(input.fileId, input.peer ?? null);
    if (!found.meta) throw new ShoalError('FILE_NOT_FOUND', `No index server or peer knows this file: ${found.problem ?? 'not found'}.`);
    if (settings.maxFileSize > 0 && found.meta.size > settings.maxFileSize) {
      throw new ShoalError('FILE_TOO_LARGE', `The file is ${found.meta.size} bytes; this node's max_file_size is ${settings.maxFileSize}.`);
    }
    await mkdir(settings.downloadDirectory, { recursive: true });
    const fs = await statfs(settings.downloadDirectory);
    if (fs.bavail * fs.bsize < found.meta.size) {
      throw new ShoalError('DISK_FULL', `The file needs ${found.meta.size} bytes; ${settings.downloadDirectory} has ${fs.bavail * fs.bsize} free.`);
    }
    const now = Date.now();
    const record: DownloadRecord = {
      id: randomUUID(), fileId: input.fileId, name: safeFileName(input.name ?? found.meta.name, `${input.fileId.slice(0, 16)}.bin`),
      size: null, pieceSize: null, pieceHashes: null, bitfield: null, state: 'queued', directory: settings.downloadDirectory,
      partialPath: null, finalPath: null, peer: input.peer ?? null,
      sources: [], error: null, createdAt: now, updatedAt: now, completedAt: null,
    };
    try {
      this.store.save(record);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.dataDisk.markFull();
      throw new ShoalError('DISK_FULL', DATA_DISK_FULL);
    }
    const download = this.create(record, found);
    download.start();
    return download.view();
  }

  /** Whether any download is under way (the node is not idle). */
  anyRunning(): boolean {
    for (const d of this.downloads.values()) if (isRunningDownload(d.state)) return true;
    return false;
  }

  list(): DownloadView[] {
    return [...this.downloads.values()].sort((a, b) => b.record.createdAt - a.record.createdAt).map((d) => d.view());
  }

  get(id: string): DownloadView {
    return this.find(id).view();
  }

  async pause(id: string): Promise<DownloadView> {
    const d = this.unfinished(id);
    await d.pause();
    return d.view();
  }

  resume(id: string): DownloadView {
    const d = this.unfinished(id);
    d.resume();
    return d.view();
  }

  /** Pauses every download still going (queued, finding, downloading, waiting); answers the list. */
  async pauseAll(): Promise<DownloadView[]> {
    const going = [...this.downloads.values()].filter((d) => !d.finished && d.state !== 'paused' && d.state !== 'failed');
    await Promise.all(going.map((d) => d.pause()));
    return this.list();
  }

  /** Resumes every paused download (a failed one keeps its error until resumed by itself); answers the list. */
  resumeAll(): DownloadView[] {
    for (const d of this.downloads.values()) if (d.state === 'paused') d.resume();
    return this.list();
  }

  /** Cancels an unfinished download (its partial file is deleted); a finished one leaves the history. */
  async remove(id: string): Promise<DownloadView> {
    const d = this.find(id);
    if (d.finished || d.state === 'failed') {
      if (d.state === 'failed') await d.cancel();
      this.downloads.delete(id);
      this.progress.get(id)?.cancel();
      this.progress.delete(id);
      this.store.remove(id);
      return d.view();
    }
    await d.cancel();
    return d.view();
  }

  async close(): Promise<void> {
    this.dataDisk.close();
    await Promise.all([...this.downloads.values()].map((d) => d.stop()));
    for (const t of this.progress.values()) t.cancel();
  }

  private create(record: DownloadRecord, found?: FoundFile): Download {
    const publishProgress = throttle(() => this.o.bus.publish('transfer_progress', download.view()), PROGRESS_INTERVAL_MS);
    const download: Download = new Download(record, {
      store: this.store, finder: this.o.finder, limiter: this.o.limiter, hasher: this.o.hashThread, timing: this.timing,
      maxFileSize: this.o.settings().maxFileSize, report: this.o.report, logger: this.o.logger, selfId: this.o.selfId, dialer: this.o.dialer,
      rtt: this.rtt, maxActiveSources: this.o.maxActiveSources ?? MAX_ACTIVE_SOURCES,
      changed: (_d, kind) => {
        if (kind === 'progress') return publishProgress();
        publishProgress.cancel();
        this.o.bus.publish(kind === 'completed' ? 'transfer_completed' : 'transfer_failed', download.view());
      },
      dataDiskFull: () => {
        this.awaitingSpace.add(download);
        this.dataDisk.markFull();
      },
      completed: async (path) => {
        const { fileId: id, pieceSize, pieceHashes } = record;
        if (this.o.settings().shareDownloads && pieceSize !== null && pieceHashes) await this.o.share(path, { id, pieceSize, pieceHashes });
      },
    }, found);
    this.downloads.set(record.id, download);
    this.progress.set(record.id, publishProgress);
    return download;
  }

  /** The data disk has room again: save what could not be saved, and go on with what stopped for it. */
  private spaceReturned(): void {
    this.o.logger.info({ data: this.o.dataDirectory }, 'the data folder\'s disk has room again: downloads go on');
    const waiting = [...this.awaitingSpace];
    this.awaitingSpace.clear();
    for (const d of waiting) {
      if (!this.downloads.has(d.id)) continue;
      d.persist();
      if (d.state === 'failed' && d.record.error?.code === 'DISK_FULL') d.resume();
      else if (isRunningDownload(d.state)) d.start();
    }
  }

  private find(id: string): Download {
    const d = this.downloads.get(id);
    if (!d) throw new ShoalError('DOWNLOAD_NOT_FOUND');
    return d;
  }

  private unfinished(id: string): Download {
    const d = this.find(id);
    if (d.finished) throw new ShoalError('DOWNLOAD_FINISHED');
    return d;
  }
}
