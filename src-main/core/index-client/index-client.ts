// The peer side of the index protocol. Registers with the first index server of its list that
// answers (full file list, in batches when large), heartbeats at the interval the index gives,
// pushes library changes as coalesced batches, registers again by itself when the index forgot it,
// rides out an index that is down (exponential backoff with jitter), moves to the next index server
// when one stays away or says it is stopping, and comes back to a preferred one when it returns.
//
// One loop does all the talking, one request at a time, so registration, heartbeats and batches
// never overtake each other; bus events and the index's /ws only note things and wake the loop.
import type { NodeDialer } from '../net/node-dialer.js';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { IndexConnectionView } from '../../../src-shared/api/peer-routes.js';
import {
  ADDRESS_RECEIPT_TTL_MS,
  indexedFileSchema,
  MAX_FILES_PER_REQUEST,
  type AddressReceipt,
  type IndexedFile,
  type transferReportSchema,
} from '../../../src-shared/api/index-routes.js';
import type { EventBus, NodeBusEvent } from '../events/event-bus.js';
import { toIndexedFile } from '../library/shared-file-view.js';
import type { SharedFile } from '../../../src-shared/api/library.js';
import { backoffDelay } from './backoff.js';
import { indexApi } from './index-api-client.js';
import { NodeCallError } from '../net/contract-transport.js';
import { watchIndexEvents, type IndexSocket } from './index-socket.js';
import { PendingChanges, type FileChangeBatch } from './pending-changes.js';
import { nearestFirst } from './nearest-first.js';
import { ServerReachability } from './server-reachability.js';
import { ServerChoice, type IndexServerRef } from './server-choice.js';
import { PROTOCOL_VERSION } from '../../../src-shared/api/protocol.js';
import type { NodeKey } from '../identity/node-key.js';
import { registrationStatement } from '../identity/signed-statement.js';

export type { IndexServerRef } from './server-choice.js';
/** The name the node's wiring uses for an entry of the list. */
export type IndexCandidate = IndexServerRef;

export interface IndexClientIdentity {
  /** The node key: its id is the peer id, and it signs the registrations. */
  key: Pick<NodeKey, 'id' | 'sign'>;
  name: string;
  /** The peer API's port, which downloaders dial. */
  port: number;
  version?: string;
  /** A reachable host or IP; omitted, the index uses the address it sees. */
  address?: string;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface IndexClientTuning {
  /** Library changes are gathered this long before one batch goes out. */
  batchDelayMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Failed attempts in a row after which an index server is "away" and the next one is tried. */
  failoverAfter: number;
  /** How long an away index server is passed over. */
  awayMs: number;
  /** On a fallback index server: how often to look whether a preferred one is back. */
  preferredCheckMs: number;
  /** With no index server known: how often to look at the list again (see also refresh()). */
  idleRecheckMs: number;
  requestTimeoutMs: number;
  /** How often index servers other than the current one are asked whether they answer (for the user). */
  probeOthersMs: number;
  /** stop() waits at most this long for the index to hear the peer leave. */
  unregisterTimeoutMs: number;
}

export const defaultTuning: IndexClientTuning = {
  batchDelayMs: 500,
  backoffMinMs: 500,
  backoffMaxMs: 30_000,
  failoverAfter: 3,
  awayMs: 60_000,
  preferredCheckMs: 30_000,
  idleRecheckMs: 2_000,
  requestTimeoutMs: 15_000,
  probeOthersMs: 30_000,
  unregisterTimeoutMs: 2_000,
};

type IndexClientState = IndexConnectionView['state'];
type IndexServerState = IndexConnectionView['servers'][number]['state'];

type ServerList = () => readonly (string | IndexServerRef)[];

export interface IndexClientOptions {
  identity: IndexClientIdentity | (() => IndexClientIdentity);
  /** Index servers in preference order: configured first, then discovered. A plain string is configured. */
  servers?: ServerList;
  /** The same as `servers` (either may be given). */
  candidates?: ServerList;
  /** The whole library as the index wants it. */
  entries: () => IndexedFile[];
  /**
   * What strangers may see of a changed file (sharing permissions, library.ts publicView): a file
   * shared only with some devices is never announced, and leaves the index when it becomes so.
   */
  publicView?: (file: SharedFile) => SharedFile | undefined;
  /** True while the library publishes an event about a content that was never public: the index is told nothing, not even its id. */
  hiddenFromStrangers?: (fileId: string) => boolean;
  bus: Pick<EventBus, 'subscribe'>;
  logger: Logger;
  /** The load reported with each heartbeat. */
  load?: () => { activeUploads: number; freeUploadSlots: number };
  timers?: Timers;
  random?: () => number;
  tuning?: Partial<IndexClientTuning>;
  /** Told when the state or the server changes (for the UI). */
  onStatus?: (status: IndexConnectionView) => void;
  /** With encryption on: every call, and /ws, over TLS to the id the index proved on first use. */
  dialer?: NodeDialer;
  /** An index this client must not register with, by its id (this node's own: its own listing is there). */
  refusesIndex?: (indexId: string) => boolean;
  /** The node id each server must prove, for Settings (net/index-pins.ts view). */
  identityOf?: (address: string) => IndexConnectionView['servers'][number]['identity'];
}

export type TransferReport = Omit<z.input<typeof transferReportSchema>, 'peerId'>;

interface Session {
  address: string;
  token: string;
  indexId: string;
  heartbeatIntervalMs: number;
}

type CallOutcome = 'ok' | 'rejected' | 'failed';

/** The preference list for an index client: configured addresses first, then discovered ones. */
export function indexServerList(configured: () => readonly string[], discovered: () => readonly { address: string }[] = () => []): () => IndexServerRef[] {
  return () => ServerChoice.normalise([
    ...configured().map((address) => ({ address, source: 'configured' as const })),
    ...discovered().map((d) => ({ address: d.address, source: 'discovered' as const })),
  ]);
}

export class IndexClient {
  private readonly t: IndexClientTuning;
  private readonly timers: Timers;
  private readonly choice: ServerChoice;
  private readonly pending = new PendingChanges();
  private running = false;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private abort = new AbortController();
  private unsubscribe: (() => void) | undefined;
  private sleeper: { done: () => void; wakeable: boolean } | undefined;

  private state: IndexClientState = 'idle';
  private target: string | null = null;
  private lastError: string | null = null;
  private session: Session | undefined;
  /** The latest address receipt an index server gave: shown to the next one, which may then skip its call-back (a failover). */
  private receipt: AddressReceipt | undefined;
  private socket: IndexSocket | undefined;
  /** An index server that announced on /ws that it is stopping. */
  private stoppingServer: string | undefined;
  private flushAt: number | undefined;
  private nextHeartbeatAt = 0;
  private nextPreferredCheckAt = 0;
  /** Set while a registered session backs off after failed requests. */
  private retryAt: number | undefined;
  private consecutiveFailures = 0;
  private port: number | undefined;
  /** The name this peer registers with changed since its registration: register again. */
  private identityStale = false;
  private listSignature = '';
  private readonly servers: ServerList;
  private readonly reachability: ServerReachability;

  constructor(private readonly o: IndexClientOptions) {
    this.servers = o.servers ?? o.candidates ?? (() => []);
    this.t = { ...defaultTuning, ...o.tuning };
    this.timers = o.timers ?? realTimers;
    this.choice = new ServerChoice({ failoverAfter: this.t.failoverAfter, awayMs: this.t.awayMs, now: () => this.timers.now() });
    this.reachability = new ServerReachability({
      toProbe: () => this.list().map((ref) => ref.address),
      probe: (address) => indexApi.probe(address, { timeoutMs: Math.min(this.t.requestTimeoutMs, 5_000), signal: this.abort.signal, dialer: this.o.dialer }),
      everyMs: this.t.probeOthersMs,
      now: () => this.timers.now(),
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.unsubscribe = this.o.bus.subscribe((event) => this.onLibraryEvent(event));
    this.loop = this.run();
    this.reachability.start();
  }

  /** Leaves the index (best effort, short timeout) and clears every timer. */
  stop(): Promise<void> {
    if (!this.running) return this.stopping ?? Promise.resolve();
    this.running = false;
    this.reachability.stop();
    this.stopping = this.shutdown();
    return this.stopping;
  }

  /** The peer API's port, once it listens (port 0 picks one). */
  setPort(port: number): void {
    this.port = port;
  }

  /** Looks at the server list again now (LAN discovery found an index server, the role changed…). */
  refresh(): void {
    const signature = this.list().map((ref) => ref.address).join(' ');
    // A new list cuts a backoff short and looks for a preferred server at once; the same list
    // only wakes an idle or registered client.
    const changed = signature !== this.listSignature;
    if (changed && this.running) void this.reachability.probeAll(); // a server just added says at once whether it answers
    this.listSignature = signature;
    if (changed) this.nextPreferredCheckAt = 0;
    this.wake(changed);
  }

  /** The display name changed: registers again (same index), so the index shows the new one. */
  identityChanged(): void {
    this.identityStale = true;
    this.wake();
  }

  /** The same as refresh(). */
  candidatesChanged(): void {
    this.refresh();
  }

  status(): IndexConnectionView {
    return {
      state: this.state,
      server: this.session?.address ?? null,
      lastError: this.lastError,
      servers: this.list().map((ref) => {
        const identity = this.o.identityOf?.(ref.address);
        return { address: ref.address, source: ref.source, state: this.serverState(ref.address), ...this.reachability.view(ref.address), ...(identity ? { identity } : {}) };
      }),
    };
  }

  /** `address` may answer now where it was refused (its pin was forgotten): asks it again at once, even in a backoff. */
  retry(address: string): void {
    this.choice.succeeded(address);
    this.nextPreferredCheckAt = 0;
    if (this.running) void this.reachability.probeAll();
    this.wake(true);
  }

  /** The index server this peer is registered with, and that index's id. */
  get registration(): { server: string; indexId: string } | null {
    return this.session ? { server: this.session.address, indexId: this.session.indexId } : null;
  }

  /** Tells the current index how a download from a source went; false when it could not be told. */
  async reportTransfer(report: TransferReport): Promise<boolean> {
    const session = this.session;
    if (!session) return false;
    try {
      await indexApi.reportTransfer(session.address, session.token, { ...report, peerId: this.identity().key.id }, this.callOptions());
      return true;
    } catch (err) {
      this.o.logger.debug({ err, server: session.address }, 'could not report a transfer to the index server');
      return false;
    }
  }

  // --- the loop -------------------------------------------------------------------------------

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (this.session) await this.serve(this.session);
        else await this.connect();
      } catch (err) {
        // A bug, not the network: log it, and never let it end the loop or escape unhandled.
        this.o.logger.error({ err }, 'index client error');
        await this.sleep(this.t.backoffMaxMs, false);
      }
    }
  }

  private async connect(): Promise<void> {
    const list = this.list();
    const ref = this.choice.pick(list);
    if (!ref) {
      this.setState('idle', null);
      await this.sleep(this.t.idleRecheckMs);
      return;
    }
    this.setState('connecting', ref.address);
    try {
      const session = await this.register(ref.address);
      this.session = session; // even when stopping: stop() then unregisters it
      if (!this.running) return;
      const now = this.timers.now();
      this.choice.succeeded(ref.address);
      this.reachability.note(ref.address, true);
      this.consecutiveFailures = 0;
      this.lastError = null;
      this.retryAt = undefined;
      this.nextHeartbeatAt = now + session.heartbeatIntervalMs;
      this.nextPreferredCheckAt = now + this.t.preferredCheckMs;
      this.ensureSocket(session);
      this.o.logger.info({ server: ref.address, indexId: session.indexId, heartbeatIntervalMs: session.heartbeatIntervalMs }, 'registered with the index server');
      this.setState('registered', ref.address);
    } catch (err) {
      if (!this.running) return;
      const away = this.noteFailure(ref.address, err);
      const next = this.choice.pick(this.list());
      // Moving on to another index server that has not failed: at once.
      if (away && next && next.address !== ref.address && !this.choice.isAway(next.address)) return;
      this.setState('backoff', ref.address);
      await this.sleep(this.backoffMs(), false);
    }
  }

  private async serve(session: Session): Promise<void> {
    const list = this.list();
    if (this.stoppingServer === session.address) {
      this.o.logger.info({ server: session.address }, 'the index server is stopping; moving to the next one');
      this.choice.away(session.address, 'the index server stopped');
      this.dropSession();
      return;
    }
    if (this.identityStale) {
      this.dropSession(); // connect() registers again, with the new name
      return;
    }
    if (!list.some((ref) => ref.address === session.address)) {
      this.o.logger.info({ server: session.address }, 'the index server left the list; leaving it');
      await this.leave(session);
      return;
    }
    const now = this.timers.now();
    if (this.retryAt !== undefined) {
      if (now < this.retryAt) {
        await this.sleep(this.retryAt - now);
        return;
      }
      this.retryAt = undefined;
      await this.heartbeat(session);
      return;
    }
    if (now >= this.nextPreferredCheckAt) {
      this.nextPreferredCheckAt = now + this.t.preferredCheckMs;
      if (await this.moveToPreferred(session, list)) return;
    }
    if (this.flushAt !== undefined && now >= this.flushAt) {
      await this.flush(session);
      return;
    }
    if (now >= this.nextHeartbeatAt) {
      await this.heartbeat(session);
      return;
    }
    await this.sleep(Math.min(this.nextHeartbeatAt, this.flushAt ?? Infinity, this.nextPreferredCheckAt) - now);
  }

  // --- requests -------------------------------------------------------------------------------

  /** Registers with the full list: the first MAX_FILES_PER_REQUEST files, then the rest in batches. */
  private async register(address: string): Promise<Session> {
    // The full list supersedes every change noted so far; later changes queue up again.
    this.pending.clear();
    this.flushAt = undefined;
    const files = this.validFiles(this.o.entries());
    this.identityStale = false;
    const identity = this.identity();
    const options = this.callOptions();
    const peerId = identity.key.id;
    const { indexId, challenge } = await indexApi.challenge(address, options);
    if (this.o.refusesIndex?.(indexId)) throw new NodeCallError(409, 'OWN_INDEX', `${address} is this node\u2019s own index; its files are listed there already`);
    const signature = identity.key.sign(registrationStatement({ indexId, challenge, peerId, address: identity.address, port: identity.port }));
    const answer = await indexApi.register(address, {
      peerId, name: identity.name, port: identity.port, version: identity.version, address: identity.address, protocol: PROTOCOL_VERSION,
      files: files.slice(0, MAX_FILES_PER_REQUEST), partial: files.length > MAX_FILES_PER_REQUEST, challenge, signature,
      ...(this.receipt ? { receipt: this.receipt } : {}),
    }, options);
    if (answer.protocol !== PROTOCOL_VERSION) {
      throw new NodeCallError(409, 'PROTOCOL_MISMATCH', `${address} runs ${answer.protocol < PROTOCOL_VERSION ? 'an older' : 'a newer'} Shoal (protocol ${answer.protocol}); this node speaks protocol ${PROTOCOL_VERSION}`);
    }
    this.receipt = answer.receipt ?? this.receipt;
    for (let i = MAX_FILES_PER_REQUEST; i < files.length; i += MAX_FILES_PER_REQUEST) {
      await indexApi.updateFiles(address, answer.sessionToken, { peerId, added: files.slice(i, i + MAX_FILES_PER_REQUEST), removed: [] }, options);
    }
    return { address, token: answer.sessionToken, indexId: answer.indexId, heartbeatIntervalMs: answer.heartbeatIntervalMs };
  }

  private async heartbeat(session: Session): Promise<void> {
    this.ensureSocket(session);
    const load = this.o.load?.() ?? { activeUploads: 0, freeUploadSlots: 0 };
    const outcome = await this.sessionCall(session, false, async () => {
      const renewReceipt = this.receipt !== undefined && this.timers.now() - this.receipt.at > ADDRESS_RECEIPT_TTL_MS / 2;
      const answer = await indexApi.heartbeat(session.address, session.token, { peerId: this.identity().key.id, ...load, ...(renewReceipt ? { renewReceipt } : {}) }, this.callOptions());
      session.heartbeatIntervalMs = answer.heartbeatIntervalMs;
      this.receipt = answer.receipt ?? this.receipt;
    });
    if (outcome === 'ok') this.nextHeartbeatAt = this.timers.now() + session.heartbeatIntervalMs;
  }

  private async flush(session: Session): Promise<void> {
    this.flushAt = undefined;
    const batches = this.pending.take();
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i] as FileChangeBatch;
      const outcome = await this.sessionCall(session, true, () =>
        indexApi.updateFiles(session.address, session.token, { peerId: this.identity().key.id, added: this.validFiles(batch.added), removed: batch.removed }, this.callOptions()),
      );
      if (outcome === 'rejected') continue; // the index refused that batch: sending it again will not help
      if (outcome === 'failed') {
        // Still our session (the index is only away for now): keep the rest for when it answers.
        if (this.session === session) {
          this.pending.restore(batches.slice(i));
          this.flushAt = this.timers.now();
        }
        return;
      }
    }
  }

  /** One request of a registered session, with what its failure means for the session. */
  private async sessionCall(session: Session, mayReject: boolean, request: () => Promise<unknown>): Promise<CallOutcome> {
    try {
      await request();
      if (this.state !== 'registered') this.o.logger.info({ server: session.address }, 'the index server answers again');
      this.choice.succeeded(session.address);
      this.reachability.note(session.address, true);
      this.consecutiveFailures = 0;
      this.lastError = null;
      if (this.session === session) this.setState('registered', session.address);
      return 'ok';
    } catch (err) {
      if (!this.running || this.session !== session) return 'failed';
      if (err instanceof NodeCallError && err.needsRegistration) {
        this.o.logger.info({ server: session.address, code: err.code }, 'the index server does not know this peer any more; registering again');
        this.dropSession();
        return 'failed';
      }
      if (mayReject && err instanceof NodeCallError && err.rejected) {
        this.lastError = `${session.address}: ${err.message}`;
        this.o.logger.warn({ server: session.address, err: err.message }, 'the index server refused a batch of library changes');
        return 'rejected';
      }
      if (this.noteFailure(session.address, err)) {
        this.dropSession();
      } else {
        this.retryAt = this.timers.now() + this.backoffMs();
        this.setState('backoff', session.address);
      }
      return 'failed';
    }
  }

  /** On a fallback server: when a preferred index server answers again, moves to it. */
  private async moveToPreferred(session: Session, list: IndexServerRef[]): Promise<boolean> {
    for (const ref of this.choice.preferredOver(list, session.address)) {
      try {
        await indexApi.probe(ref.address, { timeoutMs: this.t.unregisterTimeoutMs, signal: this.abort.signal, dialer: this.o.dialer });
      } catch (err) {
        if (!this.running) return false;
        this.choice.away(ref.address, describe(err));
        continue;
      }
      this.o.logger.info({ from: session.address, to: ref.address }, 'a preferred index server is back; moving to it');
      await this.leave(session);
      return true;
    }
    return false;
  }

  private async leave(session: Session): Promise<void> {
    this.dropSession();
    await this.unregister(session);
  }

  private async unregister(session: Session): Promise<void> {
    try {
      await indexApi.unregister(session.address, session.token, this.identity().key.id, { timeoutMs: this.t.unregisterTimeoutMs, dialer: this.o.dialer });
    } catch (err) {
      this.o.logger.debug({ err, server: session.address }, 'could not unregister from the index server');
    }
  }

  private async shutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
    const session = this.session;
    this.dropSession();
    this.pending.clear();
    this.flushAt = undefined;
    this.setState('idle', null);
    if (session) await this.unregister(session);
  }

  // --- bookkeeping ----------------------------------------------------------------------------

  private onLibraryEvent(event: NodeBusEvent): void {
    if ((event.type === 'library_file_updated' || event.type === 'library_file_removed') && this.o.hiddenFromStrangers?.(event.data.id)) return;
    if (event.type === 'library_file_updated') {
      const file = this.o.publicView ? this.o.publicView(event.data) : event.data;
      if (file) this.pending.added(toIndexedFile(file));
      else this.pending.removed(event.data.id);
    } else if (event.type === 'library_file_removed') this.pending.removed(event.data.id);
    else return;
    if (this.flushAt === undefined) {
      this.flushAt = this.timers.now() + this.t.batchDelayMs;
      this.wake();
    }
  }

  private ensureSocket(session: Session): void {
    if (this.socket?.open) return;
    this.socket?.close();
    this.socket = watchIndexEvents(session.address, this.o.dialer, (type) => {
      if (type !== 'index_stopping' || this.session?.address !== session.address) return;
      this.stoppingServer = session.address;
      this.wake();
    }, () => {
      // The index dropped our socket without a word: it may be gone. Ask now (a heartbeat), not
      // up to an interval later, so searches and registration move on within seconds.
      if (this.session !== session || this.retryAt !== undefined) return;
      this.nextHeartbeatAt = this.timers.now();
      this.wake();
    });
  }

  private dropSession(): void {
    this.socket?.close();
    this.socket = undefined;
    this.session = undefined;
    this.retryAt = undefined;
    this.stoppingServer = undefined;
  }

  /** Records a failed attempt; true when the server is now away and the next one should be tried. */
  private noteFailure(address: string, err: unknown): boolean {
    const message = describe(err);
    this.consecutiveFailures++;
    this.lastError = `${address}: ${message}`;
    this.reachability.note(address, false, message);
    // A full or overloaded index server said so (or it is this node's own): no point asking it twice more, the next one may take us.
    const full = err instanceof NodeCallError && (err.code === 'INDEX_FULL' || err.code === 'OWN_INDEX' || err.status === 429 || err.status === 503);
    if (full) this.choice.away(address, message);
    const away = full || this.choice.failed(address, message);
    const log = { server: address, err: message, attempt: this.consecutiveFailures };
    if (away) this.o.logger.warn(log, 'the index server stays away; trying the next one');
    else if (this.consecutiveFailures === 1) this.o.logger.warn(log, 'cannot reach the index server; retrying');
    else this.o.logger.debug(log, 'index server still unreachable');
    return away;
  }

  private backoffMs(): number {
    return backoffDelay(Math.max(0, this.consecutiveFailures - 1), this.t.backoffMinMs, this.t.backoffMaxMs, this.o.random);
  }

  private list(): IndexServerRef[] {
    let list: IndexServerRef[];
    try {
      list = ServerChoice.normalise(this.servers());
    } catch (err) {
      this.o.logger.error({ err }, 'could not read the index server list');
      list = [];
    }
    this.choice.prune(list);
    return nearestFirst(list, (address) => this.reachability.distanceMs(address), this.session?.address);
  }

  private serverState(address: string): IndexServerState {
    if (address === this.target) {
      if (this.state === 'registered') return 'registered';
      if (this.state === 'connecting') return 'connecting';
      if (this.state === 'backoff') return this.choice.isAway(address) ? 'away' : 'failing';
    }
    if (this.choice.isAway(address)) return 'away';
    return this.choice.failures(address) > 0 ? 'failing' : 'standby';
  }

  private setState(state: IndexClientState, target: string | null): void {
    if (state === this.state && target === this.target) return;
    this.state = state;
    this.target = target;
    this.o.onStatus?.(this.status());
  }

  private identity(): IndexClientIdentity {
    const identity = typeof this.o.identity === 'function' ? this.o.identity() : this.o.identity;
    return this.port === undefined ? identity : { ...identity, port: this.port };
  }

  private callOptions() {
    return { timeoutMs: this.t.requestTimeoutMs, signal: this.abort.signal, dialer: this.o.dialer };
  }

  /** Files the index would refuse (and with them the whole request) are left out, with a warning. */
  private validFiles(files: IndexedFile[]): IndexedFile[] {
    const valid = files.filter((file) => indexedFileSchema.safeParse(file).success);
    if (valid.length < files.length) this.o.logger.warn({ skipped: files.length - valid.length }, 'some library entries do not fit the index contract; not sent');
    return valid;
  }

  /** Waits `ms`; stop() always ends the wait, wake() only a wakeable one (not a backoff). */
  private sleep(ms: number, wakeable = true): Promise<void> {
    if (!this.running) return Promise.resolve();
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      const done = () => {
        this.timers.clearTimeout(handle);
        signal.removeEventListener('abort', done);
        if (this.sleeper?.done === done) this.sleeper = undefined;
        resolve();
      };
      const handle = this.timers.setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      this.sleeper = { done, wakeable };
    });
  }

  private wake(evenBackoff = false): void {
    if (this.sleeper && (this.sleeper.wakeable || evenBackoff)) this.sleeper.done();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
