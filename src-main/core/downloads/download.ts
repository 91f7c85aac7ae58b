// One download from start to the verified file in place: find the file and its sources, fetch
// its piece list and prove it against the file id (the root of its hash tree), pull pieces from
// every source at once, verify each piece against the list before it is written, then move it to
// its final name. Nothing is hashed twice: a file whose every piece matches a proven list is the
// file. State is saved so a restart goes on where it stopped, and verified pieces are never
// fetched again.
import { statfs, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DownloadState, DownloadView } from '../../../src-shared/api/transfers.js';
import { formatBytes } from '../../../src-shared/format-bytes.js';
import { pieceCountFor } from '../../../src-shared/piece-size.js';
import { leavesPerPiece } from '../hashing/merkle-tree.js';
import { isDiskFull } from '../store/disk-full.js';
import type { RateLimiter } from '../transfers/rate-limiter.js';
import { SpeedMeter } from '../transfers/speed-meter.js';
import type { HashThread } from '../hashing/hash-thread.js';
import { DownloadSourceState } from './download-source.js';
import type { DownloadRecord, DownloadStore } from './download-store.js';
import { PartialFile, partialFileName } from './partial-file.js';
import { PieceBitfield } from './piece-bitfield.js';
import { PieceBuffers } from './piece-buffers.js';
import { FetchError, fetchPieces } from './piece-fetcher.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { fetchPieceList } from './piece-list.js';
import { PiecePicker } from './piece-picker.js';
import type { FoundFile, SourceFinder, SourceRef } from './source-finder.js';
import { reserveUniquePath } from '../files/unique-destination.js';

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
}

/** Ends a run with a state and a reason a person understands. */
class DownloadStop extends Error {
  constructor(readonly state: 'failed' | 'waiting', readonly code: string, message: string) {
    super(message);
  }
}

const DATA_DISK_FULL = 'The disk holding Shoal\'s data folder is full, so this download\'s progress cannot be saved. It goes on by itself once there is room.';

// One request asks for a run of pieces of about this many bytes: fewer round trips, and TCP
// windows stay open. A source carries two requests at once, one when there are many sources:
// about four in all is what it takes to keep a link busy, and more only cost CPU.
const RUN_BYTES = 4 * 1024 * 1024;
const CONNECTIONS_PER_SOURCE = 2;
const CONNECTIONS_IN_ALL = 4;
// Pieces received but not yet written are held in memory: past this, no new request starts until
// the disk catches up (the network on loopback is faster than the page cache on some machines).
const MAX_HELD_BYTES = 32 * 1024 * 1024;

/** One HTTP request for a run of pieces, from one source. */
interface RunFetch {
  source: DownloadSourceState;
  pieces: number[];
  controller: AbortController;
  /** Pieces this fetch already handed over (verified or not). */
  delivered: Set<number>;
  startedAt: number;
}

export class Download {
  private readonly sources = new Map<string, DownloadSourceState>();
  private readonly meter = new SpeedMeter();
  private bitfield: PieceBitfield | null = null;
  private run: { controller: AbortController; done: Promise<void> } | null = null;
  private wake: (() => void) | null = null;
  private woken = false;
  /** The last save failed for want of disk space: the run stops, the record in memory stays right. */
  private unsaved = false;

  /**
   * `found`: what the index servers said when the download was started, so its first run does
   * not ask them again.
   */
  constructor(readonly record: DownloadRecord, private readonly ctx: DownloadContext, private found: FoundFile | null = null) {
    if (record.pieceHashes && record.size !== null) this.bitfield = new PieceBitfield(record.pieceHashes.length / 32, record.bitfield);
    for (const s of record.sources) this.sources.set(s.url, new DownloadSourceState(s.url, s.peerId, s.name, CONNECTIONS_PER_SOURCE, s, ctx.dialer?.tls));
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

  /** Starts (or goes on with) the download unless it is paused, finished or already running. */
  start(): void {
    if (this.run || this.finished || this.record.state === 'paused') return;
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
    if (this.record.state !== 'paused' && this.record.state !== 'failed') return;
    this.setState('queued', null);
    this.start();
  }

  /** Stops and deletes the partial file; the record stays, as cancelled, in the history. */
  async cancel(): Promise<void> {
    if (this.finished) return;
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
    const sources = [...this.sources.values()].map((s) => s.view(now));
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
    this.notify();
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
          await this.sleep(this.ctx.timing.findRetryMs);
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

  /** Fetches every missing piece; false when the run was stopped first. */
  private async transfer(signal: AbortSignal): Promise<boolean> {
    const r = this.record;
    const bitfield = this.bitfield!;
    const size = r.size!;
    const pieceSize = r.pieceSize!;
    r.partialPath ??= join(r.directory, partialFileName(r.name, r.fileId));
    const partial = await PartialFile.open(r.partialPath, size);
    // A partial file that vanished (deleted by hand) takes its verified pieces with it.
    if (partial.created && bitfield.count > 0) for (let i = 0; i < bitfield.pieceCount; i++) bitfield.clear(i);
    const picker = new PiecePicker(bitfield);
    const pieceLength = (i: number) => Math.min(pieceSize, size - i * pieceSize);
    const buffers = new PieceBuffers(pieceSize);
    const leaves = leavesPerPiece(size, pieceSize);
    // Every fetch in flight, under each piece it still has to deliver.
    const fetches = new Map<number, Set<RunFetch>>();
    const pending = new Set<Promise<void>>();
    let fatal: unknown = null;
    let dirty = false;
    let lastRefresh = performance.now();
    let lastCheckpoint = performance.now();
    let saving: Promise<void> | null = null;
    // How long a piece usually takes, so the endgame only copies pieces that are late.
    let pieceMs = 200;
    const maxRun = Math.max(1, Math.floor(RUN_BYTES / pieceSize));
    const track = (work: Promise<void>) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    };
    const forget = (fetch: RunFetch, piece: number) => {
      const holders = fetches.get(piece);
      holders?.delete(fetch);
      if (holders?.size === 0) fetches.delete(piece);
      picker.release(piece, fetch.source.url);
    };

    const checkpoint = async () => {
      if (!dirty) return;
      dirty = false;
      const snapshot = bitfield.toBuffer(); // bits set after this are saved next time, after their sync
      await partial.sync();
      r.bitfield = snapshot;
      this.save();
    };

    /** A piece of a run arrived: check it, write it, then let the picker know. */
    const arrived = (fetch: RunFetch, piece: number, received: Buffer) => {
      const source = fetch.source;
      fetch.delivered.add(piece);
      let data = received; // moves to the hash thread and back
      track((async () => {
        try {
          if (bitfield.has(piece)) return; // another copy won the endgame
          const check = await this.ctx.hasher.check(received, Buffer.from(r.pieceHashes!.subarray(piece * 32, piece * 32 + 32)), leaves);
          data = check.data;
          if (!check.matches) {
            this.ctx.logger.info({ download: this.id, source: source.url, piece }, 'a piece failed verification');
            picker.failedBy(piece, source.url);
            if (source.sentBadData()) {
              for (const holders of fetches.values()) for (const f of holders) if (f.source === source) f.controller.abort();
              this.reportOnce(source, 'corrupt');
            }
            return;
          }
          if (bitfield.has(piece)) return;
          await partial.write(piece * pieceSize, data);
          if (bitfield.has(piece)) return;
          bitfield.set(piece);
          picker.verified(piece);
          dirty = true;
          source.verified(pieceLength(piece));
          pieceMs = pieceMs * 0.8 + ((performance.now() - fetch.startedAt) / fetch.delivered.size) * 0.2;
          // Endgame: a copy still in flight elsewhere is cancelled once it has nothing else to give.
          for (const other of fetches.get(piece) ?? []) {
            if (other !== fetch && other.pieces.every((p) => bitfield.has(p) || other.delivered.has(p))) other.controller.abort();
          }
        } catch (err) {
          fatal ??= err; // the disk or the hash thread, not the network
        } finally {
          buffers.give(data);
          forget(fetch, piece);
          this.notify();
        }
      })());
    };

    const launch = (source: DownloadSourceState, pieces: number[]) => {
      const fetch: RunFetch = { source, pieces, controller: new AbortController(), delivered: new Set(), startedAt: performance.now() };
      for (const piece of pieces) {
        const holders = fetches.get(piece) ?? new Set<RunFetch>();
        holders.add(fetch);
        fetches.set(piece, holders);
      }
      source.inFlight++;
      track((async () => {
        try {
          await fetchPieces({
            first: pieces[0]!, count: pieces.length, pieceSize, size, connections: source.connections, limiter: this.ctx.limiter,
            stallMs: this.ctx.timing.stallMs, signal: AbortSignal.any([signal, fetch.controller.signal]), buffers, selfId: this.ctx.selfId,
            onBytes: (n) => {
              source.meter.add(n);
              this.meter.add(n);
            },
            onPiece: (piece, data) => arrived(fetch, piece, data),
          });
        } catch (err) {
          if (err instanceof FetchError) source.failed(err.kind, err.message, performance.now(), err.retryAfterMs);
          else fatal ??= err;
        } finally {
          source.inFlight--;
          // Pieces it never delivered go back to the others.
          for (const piece of pieces) if (!fetch.delivered.has(piece)) forget(fetch, piece);
          this.notify();
        }
      })());
    };

    try {
      this.setState('downloading', null);
      while (!bitfield.complete && !signal.aborted && !fatal && !this.unsaved) {
        const now = performance.now();
        const live = this.liveSources().length;
        const perSource = Math.max(1, Math.min(CONNECTIONS_PER_SOURCE, Math.floor(CONNECTIONS_IN_ALL / Math.max(1, live))));
        for (const source of this.sources.values()) {
          source.setShare(perSource);
          while (source.usable(now) && buffers.heldBytes < MAX_HELD_BYTES) {
            // Near the end, runs shrink so every connection still gets a share.
            const share = Math.ceil(picker.openCount / (perSource * Math.max(1, live)));
            const run = picker.pick(source.url, now, Math.max(300, 2 * pieceMs), Math.max(1, Math.min(maxRun, share)), pieceMs);
            if (run.length === 0) break;
            launch(source, run);
          }
        }
        if (pending.size === 0 && live === 0) {
          await this.refreshSources(signal);
          if (this.liveSources().length === 0) throw new DownloadStop('waiting', 'NO_SOURCE', 'Every source is gone. Waiting for one to come back.');
          continue;
        }
        const state = pending.size === 0 ? 'waiting' : 'downloading';
        if (r.state !== state) this.setState(state, state === 'waiting' ? { code: 'NO_SOURCE', message: 'No source answers right now; trying again.' } : null);
        if (now - lastRefresh > (pending.size === 0 ? this.ctx.timing.findRetryMs : this.ctx.timing.sourceRefreshMs)) {
          lastRefresh = now;
          void this.refreshSources(signal).then(() => this.notify());
        }
        // In the background: syncing hundreds of MB must not hold up the next requests.
        if (now - lastCheckpoint > this.ctx.timing.checkpointMs && !saving) {
          lastCheckpoint = now;
          saving = checkpoint().catch((err: unknown) => {
            fatal ??= err;
          }).finally(() => {
            saving = null;
          });
        }
        this.ctx.changed(this, 'progress');
        await this.sleep(picker.inEndgame ? Math.min(100, this.nextWakeMs(now)) : this.nextWakeMs(now));
      }
      if (fatal) throw fatal;
      this.stopIfUnsaved();
      if (signal.aborted) return false;
      await partial.sync();
      r.bitfield = bitfield.toBuffer();
      return true;
    } finally {
      for (const holders of fetches.values()) for (const f of holders) f.controller.abort();
      await Promise.allSettled([...pending]);
      await saving;
      await checkpoint().catch((err: unknown) => this.ctx.logger.warn({ err }, 'could not save download progress'));
      await partial.close();
      r.sources = [...this.sources.values()].map((s) => s.stored());
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

  private addSources(refs: readonly SourceRef[]): void {
    for (const ref of refs) {
      const known = this.sources.get(ref.url);
      if (known) known.seenOnline();
      else this.sources.set(ref.url, new DownloadSourceState(ref.url, ref.peerId, ref.name, CONNECTIONS_PER_SOURCE, undefined, this.ctx.dialer?.tls));
    }
    this.record.sources = [...this.sources.values()].map((s) => s.stored());
  }

  private liveSources(): DownloadSourceState[] {
    return [...this.sources.values()].filter((s) => s.alive);
  }

  /** Until the next thing that can change without an event: a backoff ending, a refresh. */
  private nextWakeMs(now: number): number {
    let next = Math.min(this.ctx.timing.checkpointMs, this.ctx.timing.findRetryMs);
    for (const s of this.sources.values()) if (s.alive && s.retryAt > now) next = Math.min(next, s.retryAt - now);
    return Math.max(10, next);
  }

  /** Waits ms, or less if something happens; a wake-up that came while awake is not lost. */
  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private notify(): void {
    if (this.wake) this.wake();
    else this.woken = true;
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
      this.notify();
    }
  }

  private stopIfUnsaved(): void {
    if (this.unsaved) throw new DownloadStop('failed', 'DISK_FULL', DATA_DISK_FULL);
  }
}
