// "Run as index server": turns the index role on and off in a running node, without a restart.
// The choice persists; the index data stays in SQLite, so turning it on again serves the same index.
import type { TlsOptions } from 'node:tls';
import type { PlainHttpPolicy } from '../http/plain-http.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { addressCallBack } from './address-check.js';
import type { Logger } from 'pino';
import type { IndexEventMap } from '../../../src-shared/api/index-events.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { IndexRoleView } from '../../../src-shared/api/peer-routes.js';
import { EventBus } from '../events/event-bus.js';
import type { ServingLimits } from '../http/connection-guard.js';
import type { ControlAccess } from '../http/control-access.js';
import type { Db } from '../store/database.js';
import type { NodeStateOf } from '../store/node-state.js';
import type { AddressReceipts } from './address-receipts.js';
import { IndexService, type IndexAccess, type IndexSettings } from './index-service.js';
import { DisplayNames } from './display-names.js';
import { IndexStore } from './index-store.js';
import { startIndexServer, type IndexServer } from './index-server.js';
import type { Federation } from './federation/federation.js';
import { GOSSIP_INTERVAL_MS, REPLICA_POLL_MS } from './federation/setup.js';
import { freePortNear } from './free-port-near.js';

type IndexRoleState = IndexRoleView['state'];

/** Something that makes the index known on the LAN (mDNS); optional. */
export interface IndexAdvertiser {
  advertise(info: { port: number; indexId: string; name: string }): { stop(): Promise<void> | void };
}

export interface IndexRoleOptions {
  db: Db;
  /** This node's id, which is also its index's id. */
  nodeId: string;
  /** Whether the role was on when the node last ran, and the port chosen in Settings. */
  state: NodeStateOf<'indexRole' | 'indexPort'>;
  settings: IndexSettings;
  port: number;
  host: string;
  access: ControlAccess;
  /** What strangers may open and send on the index port. */
  limits: ServingLimits;
  logger: Logger;
  version: string;
  name: () => string;
  advertiser?: IndexAdvertiser;
  /** The index servers this one federates with (federation/); its gossip runs while the role is on. */
  federation?: Federation;
  /** The node's access control: blocked devices and networks (issue 14). */
  indexAccess?: IndexAccess;
  /** Told when the role goes on or off (the node's own index client follows it). */
  onChange?: (status: IndexRoleView) => void;
  /** TLS on the index port (the node certificate) and who may still use plain HTTP there. */
  tls?: { options: TlsOptions; plain: PlainHttpPolicy };
  /** How the index calls peers back (TLS to their ids when encryption is on). */
  dialer?: NodeDialer;
  /** Address receipts: signed for peers called back, and believed instead of a call-back when fresh (address-receipts.ts). */
  receipts?: AddressReceipts;
  /** While the index port is taken, how often it is tried again (default 2 s). */
  portRetryMs?: number;
}

const PORT_RETRY_MS = 2_000;
/** Time given to peers' sockets to receive `index_stopping` before the port closes. */
const STOPPING_GRACE_MS = 200;

export class IndexRole {
  readonly bus = new EventBus<IndexEventMap>();
  /** Same-named peers told apart in the index's answers (display-names.ts). */
  private readonly names: DisplayNames;
  readonly indexId: string;
  private state: IndexRoleState = 'off';
  private running: { service: IndexService; server: IndexServer; advert?: { stop(): Promise<void> | void } } | undefined;
  private lastError: string | null = null;
  /** Set while the port is taken and the role waits for it. */
  private portRetry: NodeJS.Timeout | undefined;
  private suggestedPort: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: IndexRoleOptions) {
    // The index is the node: one key, one id (peers pin it; federated index servers know it).
    this.indexId = o.nodeId;
    this.names = new DisplayNames({ db: o.db, bus: this.bus });
  }

  /** Whether the role was on when the node last ran. */
  get persistedEnabled(): boolean {
    return this.o.state.get('indexRole');
  }

  status(): IndexRoleView {
    return {
      enabled: this.state === 'on' || this.state === 'starting', state: this.state, port: this.running?.server.port ?? null, indexId: this.indexId, lastError: this.lastError,
      waitingForPort: this.portRetry !== undefined, suggestedPort: this.suggestedPort,
    };
  }

  /** The port the role listens on: the one the user chose in Settings (the config's was taken), else the config's. */
  private get port(): number {
    return this.o.state.get('indexPort') ?? this.o.port;
  }

  /** Turns the role on or off; `port` (on): listen there from now on. Calls are applied one after another. */
  set(enabled: boolean, port?: number): Promise<IndexRoleView> {
    const next = this.queue.then(async () => {
      if (!enabled) return this.disable();
      if (port !== undefined && port !== this.port) {
        this.o.state.set('indexPort', port);
        if (this.running) await this.disable(false);
      }
      return this.enable();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async enable(): Promise<IndexRoleView> {
    if (this.running) return this.status();
    this.stopRetrying();
    this.state = 'starting';
    try {
      const service = new IndexService({ store: new IndexStore(this.o.db), bus: this.bus, logger: this.o.logger, settings: this.o.settings, indexId: this.indexId, ...(this.o.indexAccess ? { access: this.o.indexAccess } : {}), ...(this.o.receipts ? { receipts: this.o.receipts } : {}), checkAddress: addressCallBack(this.o.dialer) });
      await service.start(); // before the port opens: nothing may write while it resets availability
      let server: IndexServer;
      try {
        server = await startIndexServer({ service, bus: this.bus, access: this.o.access, limits: this.o.limits, logger: this.o.logger, version: this.o.version, name: this.o.name, names: this.names, port: this.port, host: this.o.host, ...(this.o.settings.maxRequestBodyBytes ? { maxBodyBytes: this.o.settings.maxRequestBodyBytes } : {}), ...(this.o.federation ? { federation: { federation: this.o.federation, selfId: this.indexId } } : {}), ...(this.o.tls ? { tls: this.o.tls } : {}), ...(this.o.dialer ? { dialer: this.o.dialer } : {}) });
      } catch (err) {
        service.stop();
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          // Offer another port, and take this one the moment it frees up.
          this.suggestedPort = await freePortNear(this.port, this.o.host);
          this.retryPort();
          throw new ShoalError('PORT_IN_USE', `The index port ${this.port} is already in use by another program.`);
        }
        throw err;
      }
      const advert = this.o.advertiser?.advertise({ port: server.port, indexId: this.indexId, name: this.o.name() });
      this.running = advert ? { service, server, advert } : { service, server };
      this.state = 'on';
      this.o.federation?.members.start(GOSSIP_INTERVAL_MS);
      // A member gone keeps its peers here while they move: 3 heartbeat intervals, as a silent peer.
      this.o.federation?.startReplicating(service.replicas, { pollMs: REPLICA_POLL_MS, graceMs: 3 * this.o.settings.heartbeatIntervalMs });
      this.lastError = null;
      this.suggestedPort = null;
      this.o.state.set('indexRole', true);
      this.o.logger.info({ port: server.port }, 'index role on');
    } catch (err) {
      this.state = 'off';
      this.lastError = err instanceof Error ? err.message : String(err);
      this.o.logger.error({ err }, 'could not start the index role');
      throw err;
    }
    this.o.onChange?.(this.status());
    return this.status();
  }

  private async disable(persist = true): Promise<IndexRoleView> {
    if (persist) this.o.state.set('indexRole', false);
    this.stopRetrying();
    const running = this.running;
    if (!running) return this.status();
    this.state = 'stopping';
    this.o.federation?.members.stop();
    this.o.federation?.stopReplicating();
    this.bus.publish('index_stopping', { indexId: this.indexId });
    await new Promise((resolve) => setTimeout(resolve, STOPPING_GRACE_MS));
    await running.advert?.stop();
    await running.server.close();
    running.service.stop();
    this.running = undefined;
    this.state = 'off';
    this.o.logger.info('index role off');
    this.o.onChange?.(this.status());
    return this.status();
  }

  private retryPort(): void {
    this.portRetry = setTimeout(() => {
      this.portRetry = undefined;
      this.set(true).catch(() => undefined); // a failure schedules the next try
    }, this.o.portRetryMs ?? PORT_RETRY_MS);
    this.portRetry.unref();
  }

  private stopRetrying(): void {
    clearTimeout(this.portRetry);
    this.portRetry = undefined;
  }

  /** Stops serving without changing the persisted choice (the node is shutting down). */
  close(): Promise<unknown> {
    const next = this.queue.then(() => this.disable(false));
    this.queue = next.catch(() => undefined);
    return next;
  }
}
