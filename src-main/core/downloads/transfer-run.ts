// One run of a download's transfer, from its first request until every piece is written or the
// run is stopped: pieces are asked of every usable source in runs (one HTTP range each), checked
// on the hash thread against the proven piece list, written into the partial file, and the
// progress is checkpointed in the background. Near the end (the endgame) a late piece is asked of
// a second source and the slower copy cancelled. With more sources than the download uses at once,
// the run measures how far the unmeasured ones are first, then keeps the active ones chosen
// (source-selection.ts); the others wait as standbys. The download (`download.ts`) keeps the state
// machine and what outlives a run (its sources, its bitfield); the run only fetches.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DownloadErrorCode } from '../../../src-shared/errors.js';
import type { HashThread } from '../hashing/hash-thread.js';
import { leavesPerPiece } from '../hashing/merkle-tree.js';
import type { NodeDialer } from '../net/node-dialer.js';
import type { RateLimiter } from '../transfers/rate-limiter.js';
import type { SpeedMeter } from '../transfers/speed-meter.js';
import type { DownloadTiming } from './download.js';
import type { DownloadSourceState } from './download-source.js';
import { DownloadStop, dataDiskFullStop } from './download-stop.js';
import type { DownloadRecord } from './download-store.js';
import { PartialFile, partialFileName } from './partial-file.js';
import type { PieceBitfield } from './piece-bitfield.js';
import { PieceBuffers } from './piece-buffers.js';
import { FetchError, fetchPieces } from './piece-fetcher.js';
import { PiecePicker } from './piece-picker.js';
import { probeRtts } from './rtt-probe.js';
import type { SourceRtt } from './source-rtt.js';
import { REVIEW_MS, SourceSelection } from './source-selection.js';
import type { Wakeup } from './wakeup.js';

// One request asks for a run of pieces of about this many bytes: fewer round trips, and TCP
// windows stay open. A source carries two requests at once, one when there are many sources:
// about four in all is what it takes to keep a link busy, and more only cost CPU.
const RUN_BYTES = 4 * 1024 * 1024;
export const CONNECTIONS_PER_SOURCE = 2;
const CONNECTIONS_IN_ALL = 4;
// Pieces asked for, received or not yet written are held in memory: past this, no new request
// starts until the disk catches up (the network on loopback is faster than the page cache on some
// machines). Enough for the four runs a link needs; every byte more is memory the process touches
// for the first time (page faults cost a 512 MiB download ~0.1 s of CPU at 32 MiB).
const MAX_HELD_BYTES = 16 * 1024 * 1024;
// How long a piece usually takes is learnt as pieces arrive (a moving average, the newest piece
// weighing this much), starting from a guess; the endgame copies a piece only once it is late.
const FIRST_PIECE_MS_GUESS = 200;
const PIECE_MS_NEWEST_WEIGHT = 0.2;
/** A piece is late (worth a second copy) after twice the usual time, never before this. */
const MIN_LATE_MS = 300;
/** In the endgame the run looks at least this often for late pieces to copy. */
const ENDGAME_TICK_MS = 100;
/** The shortest wait between two looks, so a backoff about to end does not spin the loop. */
const MIN_WAKE_MS = 10;
// A checkpoint also comes after this many bytes were written since the last one, not only after
// `checkpointMs`: the kernel starts writing a fast download out long before its end, so the last
// sync, which the download waits for, has little left to flush (about this much, plus what came
// in while the previous sync ran) instead of the whole file: Linux starts writeback on its own
// only after seconds or at a tenth of memory.
const CHECKPOINT_BYTES = 64 * 1024 * 1024;
// Before its first request a run with more sources than its cap measures the round trip to the
// best-placed unmeasured ones (at most this many per place), and waits for them at most this long:
// a source still unmeasured then ranks as unknown (far) until its probe answers.
const PROBED_PER_PLACE = 4;
const FIRST_PROBE_WAIT_MS = 2_000;
/** Standbys measured again (or first) at each review, best-placed first, so a near one is found. */
const PROBED_PER_REVIEW = 4;

/** One HTTP request for a run of pieces, from one source. */
interface RunFetch {
  source: DownloadSourceState;
  pieces: number[];
  controller: AbortController;
  /** Pieces this fetch already handed over (verified or not). */
  delivered: Set<number>;
  startedAt: number;
}

/** What a run uses of its download; the download stays the one that changes its state. */
export interface TransferRunDeps {
  /** Its size, piece size and piece hashes are known (the piece list was proven). */
  record: DownloadRecord;
  bitfield: PieceBitfield;
  sources(): Iterable<DownloadSourceState>;
  /** Asks the index servers (or the given peer) for sources again. */
  refreshSources(signal: AbortSignal): Promise<void>;
  /** The download's speed, over all its runs. */
  meter: SpeedMeter;
  /** Wakes the run when a piece lands or the download is halted. */
  wakeup: Wakeup;
  setState(state: 'downloading' | 'waiting', error: { code: DownloadErrorCode; message: string } | null): void;
  /** Saves the record (the verified pieces); a save that fails for want of space sets `unsaved`. */
  save(): void;
  /** The last save failed for want of space: the run ends. */
  unsaved(): boolean;
  /** The run moved on: progress for the event bus. */
  progress(): void;
  /** A source sent bad data too often: the index hears of it (once per download). */
  reportCorrupt(source: DownloadSourceState): void;
  hasher: HashThread;
  limiter: RateLimiter;
  timing: DownloadTiming;
  logger: Logger;
  selfId?: string | undefined;
  /** The node's round trips to sources, shared by its downloads. */
  rtt: SourceRtt;
  /** Sources used at once (transfers.max_sources_per_download). */
  maxActiveSources: number;
  /** How probes reach sources (as the piece list is fetched). */
  dialer?: NodeDialer | undefined;
}

export class TransferRun {
  private readonly record: DownloadRecord;
  private readonly bitfield: PieceBitfield;
  private readonly size: number;
  private readonly pieceSize: number;
  private readonly picker: PiecePicker;
  private readonly buffers: PieceBuffers;
  /** Leaves of the hash tree under one piece, for the hash thread's check. */
  private readonly leaves: number;
  /** The most pieces one request asks for. */
  private readonly maxRun: number;
  /** Every fetch in flight, under each piece it still has to deliver. */
  private readonly fetches = new Map<number, Set<RunFetch>>();
  /** Every fetch and every piece being checked or written, so the run ends only after them. */
  private readonly pending = new Set<Promise<void>>();
  /** The first error of the disk or the hash thread (not the network): it ends the run. */
  private fatal: unknown = null;
  /** Pieces were verified since the last checkpoint. */
  private dirty = false;
  /** Bytes written since the last checkpoint began. */
  private unsyncedBytes = 0;
  private lastRefresh = performance.now();
  private lastCheckpoint = performance.now();
  private saving: Promise<void> | null = null;
  /** How long a piece usually takes, so the endgame only copies pieces that are late. */
  private pieceMs = FIRST_PIECE_MS_GUESS;
  private readonly selection: SourceSelection;
  private lastProbe = performance.now();

  private constructor(private readonly deps: TransferRunDeps, private readonly partial: PartialFile, private readonly signal: AbortSignal) {
    this.record = deps.record;
    this.bitfield = deps.bitfield;
    this.size = deps.record.size!;
    this.pieceSize = deps.record.pieceSize!;
    this.picker = new PiecePicker(this.bitfield);
    this.buffers = new PieceBuffers(this.pieceSize, MAX_HELD_BYTES + RUN_BYTES); // a run may start just below the cap
    this.leaves = leavesPerPiece(this.size, this.pieceSize);
    this.maxRun = Math.max(1, Math.floor(RUN_BYTES / this.pieceSize));
    this.selection = new SourceSelection(deps.maxActiveSources);
  }

  /** Opens (or creates) the partial file for a run. */
  static async open(deps: TransferRunDeps, signal: AbortSignal): Promise<TransferRun> {
    const r = deps.record;
    r.partialPath ??= join(r.directory, partialFileName(r.name, r.fileId));
    const partial = await PartialFile.open(r.partialPath, r.size!);
    // A partial file that vanished (deleted by hand) takes its verified pieces with it.
    const bitfield = deps.bitfield;
    if (partial.created && bitfield.count > 0) for (let i = 0; i < bitfield.pieceCount; i++) bitfield.clear(i);
    return new TransferRun(deps, partial, signal);
  }

  /** Fetches every missing piece; false when the run was stopped first. The partial file is closed after. */
  async fetchAll(): Promise<boolean> {
    const { deps, bitfield, signal } = this;
    try {
      deps.setState('downloading', null);
      await this.measureFirst();
      while (!bitfield.complete && !signal.aborted && !this.fatal && !deps.unsaved()) {
        const now = performance.now();
        const live = this.liveCount();
        this.select(now, live);
        this.requestPieces(now);
        if (this.pending.size === 0 && live === 0) {
          await deps.refreshSources(signal);
          if (this.liveCount() === 0) throw new DownloadStop('waiting', 'NO_SOURCE', 'Every source is gone. Waiting for one to come back.');
          continue;
        }
        const state = this.pending.size === 0 ? 'waiting' : 'downloading';
        if (this.record.state !== state) deps.setState(state, state === 'waiting' ? { code: 'NO_SOURCE', message: 'No source answers right now; trying again.' } : null);
        if (now - this.lastRefresh > (this.pending.size === 0 ? deps.timing.findRetryMs : deps.timing.sourceRefreshMs)) {
          this.lastRefresh = now;
          void deps.refreshSources(signal).then(() => deps.wakeup.notify());
        }
        this.checkpointInBackground(now);
        deps.progress();
        await deps.wakeup.sleep(this.picker.inEndgame ? Math.min(ENDGAME_TICK_MS, this.nextWakeMs(now)) : this.nextWakeMs(now));
      }
      if (this.fatal) throw this.fatal;
      if (deps.unsaved()) throw dataDiskFullStop();
      if (signal.aborted) return false;
      await this.partial.sync();
      this.record.bitfield = bitfield.toBuffer();
      return true;
    } finally {
      await this.windDown();
    }
  }

  /** Sources not dropped for good. */
  private liveCount(): number {
    let live = 0;
    for (const source of this.deps.sources()) if (source.alive) live++;
    return live;
  }

  /**
   * More live sources than the cap: the round trips of the best-placed unmeasured ones are measured
   * before anything is asked (bounded), so the first choice is the near ones.
   */
  private async measureFirst(): Promise<void> {
    const cap = this.selection.cap;
    const alive = [...this.deps.sources()].filter((s) => s.alive);
    if (alive.length <= cap) return;
    const targets = this.unmeasured(alive, PROBED_PER_PLACE * cap);
    if (targets.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      probeRtts(targets, this.deps.rtt, this.signal, this.deps.dialer),
      new Promise((resolve) => (timer = setTimeout(resolve, FIRST_PROBE_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  /** Which sources serve now (source-selection.ts); with no more than the cap, every one. */
  private select(now: number, live: number): void {
    const sources = [...this.deps.sources()];
    if (live <= this.selection.cap) {
      for (const s of sources) s.standby = false;
      return;
    }
    const active = this.selection.update(sources.map((s) => ({
      url: s.url, rank: s.rank, rttMs: this.deps.rtt.of(s.address), alive: s.alive, ready: s.ready(now), failures: s.failures, rate: s.rate(now),
    })), now, !this.picker.inEndgame);
    for (const s of sources) s.standby = s.alive && !active.has(s.url);
    // Now and then the standbys' round trips are measured again (or first: sources found since).
    if (now - this.lastProbe < REVIEW_MS) return;
    this.lastProbe = now;
    const stale = this.unmeasured(sources.filter((s) => s.standby), PROBED_PER_REVIEW);
    if (stale.length > 0) void probeRtts(stale, this.deps.rtt, this.signal, this.deps.dialer).then(() => this.deps.wakeup.notify());
  }

  /** The best-placed of `sources` whose round trip is not known lately, at most `limit`. */
  private unmeasured(sources: readonly DownloadSourceState[], limit: number): DownloadSourceState[] {
    return sources.filter((s) => !this.deps.rtt.fresh(s.address)).sort((a, b) => a.rank - b.rank).slice(0, limit);
  }

  /** Gives every usable source as many runs of pieces as it may carry. */
  private requestPieces(now: number): void {
    let live = 0;
    for (const source of this.deps.sources()) if (source.alive && !source.standby) live++;
    const perSource = Math.max(1, Math.min(CONNECTIONS_PER_SOURCE, Math.floor(CONNECTIONS_IN_ALL / Math.max(1, live))));
    for (const source of this.deps.sources()) {
      source.setShare(perSource);
      while (source.usable(now) && this.buffers.heldBytes < MAX_HELD_BYTES) {
        // Near the end, runs shrink so every connection still gets a share.
        const share = Math.ceil(this.picker.openCount / (perSource * Math.max(1, live)));
        const run = this.picker.pick(source.url, now, Math.max(MIN_LATE_MS, 2 * this.pieceMs), Math.max(1, Math.min(this.maxRun, share)), this.pieceMs);
        if (run.length === 0) break;
        this.launch(source, run);
      }
    }
  }

  /** One request for a run of pieces from one source. */
  private launch(source: DownloadSourceState, pieces: number[]): void {
    const fetch: RunFetch = { source, pieces, controller: new AbortController(), delivered: new Set(), startedAt: performance.now() };
    for (const piece of pieces) {
      const holders = this.fetches.get(piece) ?? new Set<RunFetch>();
      holders.add(fetch);
      this.fetches.set(piece, holders);
    }
    source.began(fetch.startedAt);
    this.track((async () => {
      try {
        await fetchPieces({
          first: pieces[0]!, count: pieces.length, pieceSize: this.pieceSize, size: this.size, connections: source.connections, limiter: this.deps.limiter,
          stallMs: this.deps.timing.stallMs, signal: AbortSignal.any([this.signal, fetch.controller.signal]), buffers: this.buffers, selfId: this.deps.selfId,
          onRoundTrip: (ms) => this.deps.rtt.note(source.address, ms),
          onBytes: (n) => {
            source.received(n);
            this.deps.meter.add(n);
          },
          onPiece: (piece, data) => this.arrived(fetch, piece, data),
        });
      } catch (err) {
        if (err instanceof FetchError) source.failed(err.kind, err.message, performance.now(), err.retryAfterMs);
        else this.fatal ??= err;
      } finally {
        source.ended(performance.now());
        // Pieces it never delivered go back to the others.
        for (const piece of pieces) if (!fetch.delivered.has(piece)) this.forget(fetch, piece);
        this.deps.wakeup.notify();
      }
    })());
  }

  /** A piece of a run arrived: check it, write it, then let the picker know. */
  private arrived(fetch: RunFetch, piece: number, received: Buffer): void {
    const { bitfield, record: r } = this;
    const source = fetch.source;
    fetch.delivered.add(piece);
    let data = received; // moves to the hash thread and back
    this.track((async () => {
      try {
        if (bitfield.has(piece)) return; // another copy won the endgame
        const check = await this.deps.hasher.check(received, Buffer.from(r.pieceHashes!.subarray(piece * 32, piece * 32 + 32)), this.leaves);
        data = check.data;
        if (!check.matches) {
          this.rejected(source, piece);
          return;
        }
        if (bitfield.has(piece)) return;
        await this.partial.write(piece * this.pieceSize, data);
        if (bitfield.has(piece)) return;
        bitfield.set(piece);
        this.picker.verified(piece);
        this.dirty = true;
        this.unsyncedBytes += data.length;
        if (this.unsyncedBytes >= CHECKPOINT_BYTES) this.checkpointInBackground(performance.now());
        source.verified(Math.min(this.pieceSize, this.size - piece * this.pieceSize));
        this.pieceMs = this.pieceMs * (1 - PIECE_MS_NEWEST_WEIGHT) + ((performance.now() - fetch.startedAt) / fetch.delivered.size) * PIECE_MS_NEWEST_WEIGHT;
        this.cancelSpareCopies(fetch, piece);
      } catch (err) {
        this.fatal ??= err; // the disk or the hash thread, not the network
      } finally {
        this.buffers.give(data);
        this.forget(fetch, piece);
        this.deps.wakeup.notify();
      }
    })());
  }

  /** A piece failed its check: the source is asked for it last, and after too many, dropped. */
  private rejected(source: DownloadSourceState, piece: number): void {
    this.deps.logger.info({ download: this.record.id, source: source.url, piece }, 'a piece failed verification');
    this.picker.failedBy(piece, source.url);
    if (source.sentBadData()) {
      for (const holders of this.fetches.values()) for (const f of holders) if (f.source === source) f.controller.abort();
      this.deps.reportCorrupt(source);
    }
  }

  /** Endgame: a copy still in flight elsewhere is cancelled once it has nothing else to give. */
  private cancelSpareCopies(winner: RunFetch, piece: number): void {
    for (const other of this.fetches.get(piece) ?? []) {
      if (other !== winner && other.pieces.every((p) => this.bitfield.has(p) || other.delivered.has(p))) other.controller.abort();
    }
  }

  /** The fetch no longer holds the piece: another source may take it. */
  private forget(fetch: RunFetch, piece: number): void {
    const holders = this.fetches.get(piece);
    holders?.delete(fetch);
    if (holders?.size === 0) this.fetches.delete(piece);
    this.picker.release(piece, fetch.source.url);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  // In the background: syncing hundreds of MB must not hold up the next requests.
  private checkpointInBackground(now: number): void {
    if (this.saving || (now - this.lastCheckpoint <= this.deps.timing.checkpointMs && this.unsyncedBytes < CHECKPOINT_BYTES)) return;
    this.lastCheckpoint = now;
    this.unsyncedBytes = 0;
    this.saving = this.checkpoint().catch((err: unknown) => {
      this.fatal ??= err;
    }).finally(() => {
      this.saving = null;
    });
  }

  /** Syncs the partial file, then saves the pieces verified before the sync. */
  private async checkpoint(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const snapshot = this.bitfield.toBuffer(); // bits set after this are saved next time, after their sync
    await this.partial.sync();
    this.record.bitfield = snapshot;
    this.deps.save();
  }

  /** Until the next thing that can change without an event: a backoff ending, a refresh. */
  private nextWakeMs(now: number): number {
    let next = Math.min(this.deps.timing.checkpointMs, this.deps.timing.findRetryMs);
    for (const s of this.deps.sources()) if (s.alive && s.retryAt > now) next = Math.min(next, s.retryAt - now);
    return Math.max(MIN_WAKE_MS, next);
  }

  /** Stops every fetch, waits for what is in flight, saves the progress and closes the file. */
  private async windDown(): Promise<void> {
    for (const holders of this.fetches.values()) for (const f of holders) f.controller.abort();
    await Promise.allSettled([...this.pending]);
    await this.saving;
    await this.checkpoint().catch((err: unknown) => this.deps.logger.warn({ err }, 'could not save download progress'));
    await this.partial.close();
    for (const source of this.deps.sources()) source.standby = false; // a run's choice ends with it
  }
}
