// One download from start to the verified file in place: find the file and its sources, fetch
// its piece list and prove it against the file id (the root of its hash tree), pull pieces from
// many sources at once (the nearest, up to a cap: source-selection.ts), verify each piece against the list before it is written, then move it to
// its final name. Nothing is hashed twice: a file whose every piece matches a proven list is the
// file. State is saved so a restart goes on where it stopped, and verified pieces are never
// fetched again. This class is the state machine (queued, finding, downloading, waiting, paused,
// failed, completed, cancelled); the pulling and checking of pieces is one run (transfer-run.ts).
import { statfs, rename, rm, unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DownloadState, DownloadView } from '../../../src-shared/api/transfers.js';
import { formatBytes } from '../../../src-shared/format-bytes.js';
import { pieceCountFor } from '../../../src-shared/piece-size.js';
import { isDiskFull } from '../store/disk-full.js';
import type { RateLimiter } from '../transfers/rate-limiter.js';
import { SpeedMeter } from '../transfers/speed-meter.js';
import type { HashThread } from '../hashing/hash-thread.js';
import { DownloadSourceState } from './download-source.js';
import { DATA_DISK_FULL, DownloadStop, dataDiskFullStop } from './download-stop.js';
import type { DownloadRecord, DownloadStore } from './download-store.js';
import { PieceBitfield } from './piece-bitfield.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { fetchPieceList } from './piece-list.js';
import type { FoundFile, SourceFinder, SourceRef } from './source-finder.js';
import type { SourceRtt } from './source-rtt.js';
import { CONNECTIONS_PER_SOURCE, TransferRun } from './transfer-run.js';
import { reserveUniquePath } from '../files/unique-destination.js';
import { Wakeup } from './wakeup.js';

export interface DownloadTiming {
  /** A source that sends less than the minimum rate over this long loses its pieces to the others. */
  stallMs: number;
  /** With no source, ask the index servers again this often. */
  findRetryMs: number;
  /** While downloading, look for new sources this often. */
  sourceRefreshMs: number;
  /** Sync the partial file and save the verified pieces this often. */
  checkpointMs: number;
}

export interface DownloadContext {
  store: DownloadStore;
  finder: SourceFinder;
  limiter: RateLimiter;
  /** Checks each piece against its node of the hash tree. */
  hasher: HashThread;
  timing: DownloadTiming;
  maxFileSize: number;
  /** `proven`: the source's connections were TLS pinned to its id (it is who the index said). */
  report(r: { sourcePeerId: string; fileId: string; outcome: 'verified' | 'corrupt'; bytes: number; downloadId: string; proven: boolean }): void;
  changed(d: Download, kind: 'progress' | 'completed' | 'failed'): void;
  /** The file is in place, verified against the record's hashes; the manager may add it to the library. */
  completed(path: string): Promise<void>;
  /** A save failed because the data folder's disk is full (the manager waits for room). */
  dataDiskFull(): void;
  logger: Logger;
  /** This node's id, told to sources (their upload lists name the downloader by it). */
  selfId?: string | undefined;
  /** How sources are reached: TLS pinned to their node ids when encryption is on; plain HTTP without one. */
  dialer?: NodeDialer | undefined;
  /** The node's round trips to sources (shared by its downloads). */
  rtt: SourceRtt;
  /** Sources used at once; the others wait as standbys (source-selection.ts). */
  maxActiveSources: number;
}

export class Download {
  private readonly sources = new Map<string, DownloadSourceState>();
  private readonly meter = new SpeedMeter();
  private bitfield: PieceBitfield | null = null;
  private run: { controller: AbortController; done: Promise<void> } | null = null;
  private readonly wakeup = new Wakeup();
  /** The last save failed for want of disk space: the run stops, the record in memory stays right. */
  private unsaved = false;
  /** A cancel under way (it awaits the run, then the partial file's deletion): nothing starts the download meanwhile. */
  private cancelling: Promise<void> | null = null;

  /**
   * `found`: what the index servers said when the download was started, so its first run does
   * not ask them again.
   */
  constructor(readonly record: DownloadRecord, private readonly ctx: DownloadContext, private found: FoundFile | null = null) {
    if (record.pieceHashes && record.size !== null) this.bitfield = new PieceBitfield(record.pieceHashes.length / 32, record.bitfield);
    // Stored in the order they were found: the index's order, as it was.
    record.sources.forEach((s, rank) => this.sources.set(s.url, new DownloadSourceState(s.url, s.peerId, s.name, CONNECTIONS_PER_SOURCE, s, ctx.dialer?.tls, rank)));
  }

  get id(): string {
    return this.record.id;
  }

  get state(): DownloadState {
    return this.record.state;
  }

  get finished(): boolean {
    return this.record.state === 'completed' || this.record.state === 'cancelled';
  }

  /** Starts (or goes on with) the download unless it is paused, finished, being cancelled or already running. */
  start(): void {
    if (this.run || this.finished || this.cancelling || this.record.state === 'paused') return;
    for (const source of this.sources.values()) source.newRun();
    this.unsaved = false;
    const controller = new AbortController();
    const done = this.execute(controller.signal).finally(() => {
      this.run = null;
    });
    this.run = { controller, done };
  }

  async pause(): Promise<void> {
    if (this.finished) return;
    await this.halt();
    this.setState('paused', null);
  }

  /** A paused or failed download goes on. */
  resume(): void {
    if (this.cancelling || (this.record.state !== 'paused' && this.record.state !== 'failed')) return;
    this.setState('queued', null);
    this.start();
  }

  /** Stops and deletes the partial file; the record stays, as cancelled, in the history. */
  cancel(): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.cancelling ??= this.cancelNow().finally(() => {
      this.cancelling = null;
    });
    return this.cancelling;
  }

  /** Settles once a cancel under way is done (the download is then finished); null when none is. */
  get cancelled(): Promise<void> | null {
    return this.cancelling;
  }

  private async cancelNow(): Promise<void> {
    await this.halt();
    if (this.record.partialPath) await rm(this.record.partialPath, { force: true });
    this.record.partialPath = null;
    this.record.bitfield = null;
    this.bitfield = null;
    this.setState('cancelled', null);
  }

  /** The node is stopping: keep the state as it is, so the next start goes on. */
  async stop(): Promise<void> {
    await this.halt();
    for (const source of this.sources.values()) source.close();
  }

  view(): DownloadView {
    const r = this.record;
    const now = performance.now();
    const pieceCount = this.bitfield?.pieceCount ?? null;
    const bytesVerified = this.bytesVerified();
    const speed = this.run ? Math.round(this.meter.speed) : 0;
    const remaining = (r.size ?? 0) - bytesVerified;
    const sources = [...this.sources.values()].map((s) => s.view(now, this.ctx.rtt.of(s.address)));
    return {
      id: r.id, fileId: r.fileId, name: r.name, size: r.size, state: r.state, bytesVerified,
      piecesVerified: this.bitfield?.count ?? 0, pieceCount, speed,
      etaSeconds: r.state === 'downloading' && speed > 0 ? Math.ceil(remaining / speed) : null,
      sources, path: r.finalPath, error: r.error,
      createdAt: new Date(r.createdAt).toISOString(), completedAt: r.completedAt === null ? null : new Date(r.completedAt).toISOString(),
    };
  }

  // --- the run --------------------------------------------------------------------------------

  private async halt(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.controller.abort();
    this.wakeup.notify();
    await run.done;
  }

  private async execute(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.stopIfUnsaved();
        await this.ensurePieceList(signal);
        if (signal.aborted) return;
        await this.checkFreeSpace();
        if (await this.transfer(signal)) await this.finish();
        return;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof DownloadStop && err.state === 'waiting') {
          this.setState('waiting', { code: err.code, message: err.message });
          await this.wakeup.sleep(this.ctx.timing.findRetryMs);
          continue;
        }
        await this.fail(err);
        return;
      }
    }
  }

  private async fail(err: unknown): Promise<void> {
    if (err instanceof DownloadStop) {
      this.setState('failed', { code: err.code, message: err.message }, 'failed');
      return;
    }
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOSPC' ? `The disk holding ${this.record.directory} is full. Free some space, then resume.`
      : code === 'EACCES' || code === 'EPERM' ? `Shoal may not write into ${this.record.directory}.`
      : `The download stopped: ${(err as Error).message}`;
    this.ctx.logger.warn({ err, download: this.id }, 'download failed');
    this.setState('failed', { code: code === 'ENOSPC' ? 'DISK_FULL' : 'WRITE_FAILED', message }, 'failed');
  }

  private async ensurePieceList(signal: AbortSignal): Promise<void> {
    const r = this.record;
    if (r.pieceHashes && r.size !== null) return;
    this.setState('finding', null);
    const found = this.found ?? (await this.ctx.finder.find(r.fileId, r.peer, signal));
    this.found = null;
    if (signal.aborted) return;
    this.addSources(found.sources);
    if (!found.meta) throw new DownloadStop('waiting', 'NOT_FOUND', `No index server or peer knows this file yet (${found.problem ?? 'not found'}). Trying again.`);
    if (this.ctx.maxFileSize > 0 && found.meta.size > this.ctx.maxFileSize) {
      throw new DownloadStop('failed', 'FILE_TOO_LARGE', `The file is ${found.meta.size} bytes, more than this node's max_file_size (${this.ctx.maxFileSize}).`);
    }
    const live = this.liveSources();
    if (live.length === 0) throw new DownloadStop('waiting', 'NO_SOURCE', 'No source of this file is online right now. Waiting for one.');
    const list = await fetchPieceList(r.fileId, found.meta.size, live, signal, this.ctx.dialer);
    if (signal.aborted) return;
    if ('problem' in list) throw new DownloadStop('waiting', 'NO_PIECE_LIST', `No source sent a usable piece list (${list.problem}). Trying again.`);
    r.size = found.meta.size;
    r.pieceSize = list.pieceSize;
    r.pieceHashes = list.hashes;
    this.bitfield = new PieceBitfield(pieceCountFor(r.size, r.pieceSize));
    this.save();
  }

  private async checkFreeSpace(): Promise<void> {
    const needed = (this.record.size ?? 0) - this.bytesVerified();
    if (needed <= 0) return;
    const fs = await statfs(this.record.directory);
    const free = fs.bavail * fs.bsize;
    if (free < needed) {
      throw new DownloadStop('failed', 'DISK_FULL', `Not enough free space in ${this.record.directory}: the download needs ${formatBytes(needed)} more, ${formatBytes(free)} is free.`);
    }
  }

  /** Fetches every missing piece in one run; false when the run was stopped first. */
  private async transfer(signal: AbortSignal): Promise<boolean> {
    const run = await TransferRun.open({
      record: this.record, bitfield: this.bitfield!, meter: this.meter, wakeup: this.wakeup,
      sources: () => this.sources.values(),
      refreshSources: (s) => this.refreshSources(s),
      setState: (state, error) => this.setState(state, error),
      save: () => this.save(),
      unsaved: () => this.unsaved,
      progress: () => this.ctx.changed(this, 'progress'),
      reportCorrupt: (source) => this.reportOnce(source, 'corrupt'),
      hasher: this.ctx.hasher, limiter: this.ctx.limiter, timing: this.ctx.timing, logger: this.ctx.logger, selfId: this.ctx.selfId,
      rtt: this.ctx.rtt, maxActiveSources: this.ctx.maxActiveSources, dialer: this.ctx.dialer,
    }, signal);
    try {
      return await run.fetchAll();
    } finally {
      this.record.sources = [...this.sources.values()].map((s) => s.stored());
    }
  }

  private async finish(): Promise<void> {
    const r = this.record;
    const finalPath = await reserveUniquePath(r.directory, r.name);
    try {
      if (r.partialPath) await rename(r.partialPath, finalPath);
    } catch (err) {
      await unlink(finalPath).catch(() => undefined);
      throw err;
    }
    r.finalPath = finalPath;
    r.partialPath = null;
    r.completedAt = Date.now();
    for (const source of this.sources.values()) {
      if (source.bytes > 0) this.reportOnce(source, 'verified');
      source.close();
    }
    // Shared before it is announced: whoever sees `completed` can fetch the file from this node.
    await this.ctx.completed(finalPath).catch((err: unknown) => this.ctx.logger.warn({ err, path: finalPath }, 'could not share a finished download'));
    this.setState('completed', null, 'completed');
  }

  /** Tells the index how a source did, once per download (a restart remembers it). */
  private reportOnce(source: DownloadSourceState, outcome: 'verified' | 'corrupt'): void {
    if (!source.peerId || !source.claimReport()) return;
    this.ctx.report({ sourcePeerId: source.peerId, fileId: this.record.fileId, outcome, bytes: outcome === 'verified' ? source.bytes : 0, downloadId: this.record.id, proven: source.connections.encrypted });
    this.record.sources = [...this.sources.values()].map((s) => s.stored()); // saved with the next checkpoint
  }

  private async refreshSources(signal: AbortSignal): Promise<void> {
    const found = await this.ctx.finder.find(this.record.fileId, this.record.peer, signal).catch(() => null);
    if (found && !signal.aborted) this.addSources(found.sources);
  }

  /** `refs` in the index's order (best first): each one's place is its rank; sources it no longer lists go after them. */
  private addSources(refs: readonly SourceRef[]): void {
    const listed = new Set<string>();
    refs.forEach((ref, rank) => {
      listed.add(ref.url);
      const known = this.sources.get(ref.url);
      if (known) {
        known.seenOnline();
        known.rank = rank;
      } else this.sources.set(ref.url, new DownloadSourceState(ref.url, ref.peerId, ref.name, CONNECTIONS_PER_SOURCE, undefined, this.ctx.dialer?.tls, rank));
    });
    if (refs.length > 0) for (const s of this.sources.values()) if (!listed.has(s.url)) s.rank = Math.max(s.rank, refs.length);
    this.record.sources = [...this.sources.values()].map((s) => s.stored());
  }

  private liveSources(): DownloadSourceState[] {
    return [...this.sources.values()].filter((s) => s.alive);
  }

  private bytesVerified(): number {
    const r = this.record;
    const b = this.bitfield;
    if (!b || r.size === null || r.pieceSize === null) return 0;
    if (b.complete) return r.size;
    const lastPiece = b.pieceCount - 1;
    return b.count * r.pieceSize - (b.has(lastPiece) ? r.pieceSize - (r.size - lastPiece * r.pieceSize) : 0);
  }

  private setState(state: DownloadState, error: DownloadRecord['error'], event: 'progress' | 'completed' | 'failed' = 'progress'): void {
    if (state === this.record.state && error === this.record.error) return;
    this.record.state = state;
    this.record.error = error;
    this.save();
    this.ctx.changed(this, event);
  }

  /** The data folder's disk is full at start-up: not run, and says why (the manager resumes it once there is room). */
  holdForSpace(): void {
    this.setState('failed', { code: 'DISK_FULL', message: DATA_DISK_FULL }, 'failed');
  }

  /** Saves the record now; after a failed save (a full disk) this is how it catches up. */
  persist(): void {
    this.save();
  }

  private save(): void {
    try {
      this.ctx.store.save(this.record);
      this.unsaved = false;
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      if (!this.unsaved) this.ctx.logger.warn({ err, download: this.id }, 'could not save a download: the data folder\'s disk is full');
      this.unsaved = true;
      this.ctx.dataDiskFull();
      this.wakeup.notify();
    }
  }

  private stopIfUnsaved(): void {
    if (this.unsaved) throw dataDiskFullStop();
  }
}
