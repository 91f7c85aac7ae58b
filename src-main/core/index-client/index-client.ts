// The peer side of the index protocol: register (full list), heartbeat, push library changes in
// batches, and ride out index servers that vanish: backoff with jitter, register again when the
// index forgot us, move to the next server when one stays away or says it is stopping.
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { MAX_FILES_PER_REQUEST, type IndexedFile } from '../../../src-shared/api/index-routes.js';
import type { IndexConnectionView } from '../../../src-shared/api/peer-routes.js';
import type { EventBus } from '../events/event-bus.js';
import { toIndexedFile } from '../library/shared-file-view.js';
import { backoffDelay } from './backoff.js';
import { IndexCallError, indexApi } from './index-api-client.js';

export interface IndexCandidate {
  address: string; // host:port
  source: 'configured' | 'self' | 'discovered';
}

export interface IndexClientOptions {
  identity: { peerId: string; name: string; port: number; version: string };
  /** Index servers in preference order; asked again at every (re)connection. */
  candidates: () => IndexCandidate[];
  /** The full library, for registration. */
  entries: () => IndexedFile[];
  bus: EventBus;
  logger: Logger;
  load?: () => { activeUploads: number; freeUploadSlots: number };
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Failed attempts on one server before moving to the next. */
  failoverAfter?: number;
  batchMs?: number;
}

type State = IndexConnectionView['state'];

interface Session {
  address: string;
  token: string;
  heartbeatMs: number;
  socket?: WebSocket;
}

export class IndexClient {
  private state: State = 'idle';
  private session: Session | undefined;
  private lastError: string | null = null;
  private readonly failures = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private readonly added = new Map<string, IndexedFile>();
  private readonly removed = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private busy: Promise<void> = Promise.resolve();
  private attempt = 0;

  constructor(private readonly o: IndexClientOptions) {}

  /** The peer port is known once the server listens (port 0 picks one). */
  setPort(port: number): void {
    this.o.identity.port = port;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.o.bus.subscribe((event) => {
      if (event.type === 'library_file_updated') {
        const file = event.data as Parameters<typeof toIndexedFile>[0];
        this.removed.delete(file.id);
        this.added.set(file.id, toIndexedFile(file));
      } else if (event.type === 'library_file_removed') {
        const { id } = event.data as { id: string };
        this.added.delete(id);
        this.removed.add(id);
      } else return;
      this.batchTimer ??= setTimeout(() => {
        this.batchTimer = undefined;
        this.serially(() => this.pushChanges());
      }, this.o.batchMs ?? 500);
    });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    clearTimeout(this.batchTimer);
    await this.busy;
    const session = this.session;
    this.endSession();
    if (session) await indexApi.unregister(session.address, session.token, this.o.identity.peerId).catch(() => undefined);
    this.state = 'idle';
  }

  /** The list of servers changed (discovery, our own index role): reconnect if not registered. */
  candidatesChanged(): void {
    if (!this.running) return;
    const current = this.session?.address;
    if (current && !this.o.candidates().some((c) => c.address === current)) this.dropSession(`${current} is no longer an index server`);
    if (this.state !== 'registered') {
      this.attempt = 0;
      this.schedule(0);
    }
  }

  status(): IndexConnectionView {
    return {
      state: this.state,
      server: this.session?.address ?? null,
      lastError: this.lastError,
      servers: this.o.candidates().map((c) => ({
        address: c.address,
        source: c.source,
        state: c.address === this.session?.address ? 'registered' : (this.failures.get(c.address) ?? 0) > 0 ? 'unreachable' : 'standby',
      })),
    };
  }

  /** Reports a source's transfer to the current index (reputation); best effort. */
  async reportTransfer(report: { sourcePeerId: string; fileId: string; outcome: 'verified' | 'corrupt' | 'failed'; bytes?: number }): Promise<boolean> {
    const s = this.session;
    if (!s) return false;
    return indexApi.reportTransfer(s.address, s.token, { peerId: this.o.identity.peerId, ...report }).then(() => true, () => false);
  }

  // ---- the connection loop ------------------------------------------------------------------

  /** Runs one step at a time: a heartbeat never overlaps a registration. */
  private serially(step: () => Promise<void>): void {
    this.busy = this.busy.then(step).catch((err: unknown) => this.o.logger.warn({ err }, 'index client step failed'));
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => this.serially(() => (this.session ? this.heartbeat() : this.connect())), ms);
  }

  private pickCandidate(): IndexCandidate | undefined {
    const candidates = this.o.candidates();
    const limit = this.o.failoverAfter ?? 3;
    // The first server that has not failed `limit` times in a row; when all have, start over.
    const usable = candidates.find((c) => (this.failures.get(c.address) ?? 0) < limit);
    if (usable) return usable;
    this.failures.clear();
    return candidates[0];
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const candidate = this.pickCandidate();
    if (!candidate) {
      this.state = 'idle';
      return; // nothing to register with until candidatesChanged()
    }
    this.state = 'connecting';
    try {
      await this.register(candidate.address);
      this.failures.delete(candidate.address);
      this.attempt = 0;
      this.state = 'registered';
      this.lastError = null;
      this.o.logger.info({ index: candidate.address }, 'registered with index server');
      this.schedule(this.session?.heartbeatMs ?? 30_000);
    } catch (err) {
      this.failed(candidate.address, err);
    }
  }

  private async register(address: string): Promise<void> {
    // Changes noted before now are part of the full list.
    this.added.clear();
    this.removed.clear();
    const files = this.o.entries();
    const first = files.slice(0, MAX_FILES_PER_REQUEST);
    const { identity } = this.o;
    const answer = await indexApi.register(address, {
      peerId: identity.peerId, name: identity.name, port: identity.port, version: identity.version,
      files: first, partial: files.length > first.length,
    });
    for (let i = MAX_FILES_PER_REQUEST; i < files.length; i += MAX_FILES_PER_REQUEST) {
      await indexApi.updateFiles(address, answer.sessionToken, { peerId: identity.peerId, added: files.slice(i, i + MAX_FILES_PER_REQUEST) });
    }
    this.endSession();
    this.session = { address, token: answer.sessionToken, heartbeatMs: answer.heartbeatIntervalMs };
    this.watchForStopping(this.session);
  }

  private async heartbeat(): Promise<void> {
    const s = this.session;
    if (!s || !this.running) return;
    try {
      const answer = await indexApi.heartbeat(s.address, s.token, { peerId: this.o.identity.peerId, ...(this.o.load?.() ?? {}) });
      s.heartbeatMs = answer.heartbeatIntervalMs;
      this.schedule(s.heartbeatMs);
    } catch (err) {
      if (err instanceof IndexCallError && err.needsRegistration) {
        this.o.logger.info({ index: s.address }, 'index server forgot this peer: registering again');
        this.endSession();
        await this.connectTo(s.address);
      } else {
        this.dropSession(describe(err));
        this.failed(s.address, err);
      }
    }
  }

  private async connectTo(address: string): Promise<void> {
    try {
      await this.register(address);
      this.state = 'registered';
      this.schedule(this.session?.heartbeatMs ?? 30_000);
    } catch (err) {
      this.failed(address, err);
    }
  }

  private async pushChanges(): Promise<void> {
    const s = this.session;
    if (!s || (this.added.size === 0 && this.removed.size === 0)) return;
    const added = [...this.added.values()];
    const removed = [...this.removed];
    this.added.clear();
    this.removed.clear();
    try {
      for (let i = 0; i < Math.max(added.length, removed.length); i += MAX_FILES_PER_REQUEST) {
        await indexApi.updateFiles(s.address, s.token, {
          peerId: this.o.identity.peerId,
          added: added.slice(i, i + MAX_FILES_PER_REQUEST),
          removed: removed.slice(i, i + MAX_FILES_PER_REQUEST),
        });
      }
    } catch (err) {
      // The next registration sends the full list, which includes these changes.
      this.o.logger.debug({ err }, 'could not push library changes; the next registration will');
      if (err instanceof IndexCallError && err.needsRegistration) {
        this.endSession();
        await this.connectTo(s.address);
      }
    }
  }

  private failed(address: string, err: unknown): void {
    this.failures.set(address, (this.failures.get(address) ?? 0) + 1);
    this.lastError = describe(err);
    this.state = 'backoff';
    const delay = backoffDelay(this.attempt++, this.o.retryMinMs ?? 500, this.o.retryMaxMs ?? 30_000);
    this.o.logger.debug({ index: address, delay, err: this.lastError }, 'index server unreachable; retrying');
    this.schedule(delay);
  }

  /** The index says when it is stopping (its role turned off): move on at once. */
  private watchForStopping(session: Session): void {
    const socket = new WebSocket(`ws://${session.address}/ws`);
    session.socket = socket;
    socket.on('error', () => undefined);
    socket.on('message', (raw) => {
      let type: unknown;
      try {
        type = (JSON.parse(String(raw)) as { type?: unknown }).type;
      } catch {
        return;
      }
      if (type !== 'index_stopping' || this.session !== session) return;
      this.failures.set(session.address, this.o.failoverAfter ?? 3);
      this.dropSession(`${session.address} stopped being an index server`);
      this.schedule(0);
    });
  }

  private dropSession(reason: string): void {
    this.lastError = reason;
    this.endSession();
    this.state = 'backoff';
  }

  private endSession(): void {
    const socket = this.session?.socket;
    if (socket) {
      socket.removeAllListeners('message');
      if (socket.readyState === WebSocket.CONNECTING) socket.once('open', () => socket.close());
      else socket.close();
    }
    this.session = undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
