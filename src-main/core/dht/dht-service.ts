// The DHT in a running node: Settings' "Find and offer sources without an index server" switch
// (live, kept in the node state; until it is first used, `dht.enabled` decides), the DHT node while it
// is on, and the announcer: every shared file (public ones only, at most `dht.max_announced`) is
// announced one at a time, again every REANNOUNCE_MS (BEP 5 nodes forget a peer after about
// 30 minutes), and a newly shared file within a few seconds. Nothing is sent while it is off:
// no UDP socket is even opened.
import type { Logger } from 'pino';
import type { DhtSettingsView } from '../../../src-shared/api/dht.js';
import type { NodeStateOf } from '../store/node-state.js';
import { DhtNode, PUBLIC_BOOTSTRAP } from './dht-node.js';

export const REANNOUNCE_MS = 15 * 60_000;
/** How often the announcer looks for files not announced in the last REANNOUNCE_MS. */
const ROUND_MS = 60_000;
/** A newly shared file is announced this long after the last library change of a burst. */
const CHANGE_DELAY_MS = 2_000;

export interface DhtConfig {
  enabled: boolean;
  port: number;
  bootstrap: string[];
  max_announced: number;
  peers_per_lookup: number;
}

export interface DhtServiceOptions {
  config: DhtConfig;
  /** The address the peer API binds; the DHT's UDP socket binds the same. */
  host: string;
  state: NodeStateOf<'dhtEnabled'>;
  /** The ids of the files anyone may fetch (Library.indexEntries), in a stable order. */
  sharedFileIds(): string[];
  /** The peer API's port, announced as the port of every file. */
  peerPort(): number;
  logger: Logger;
}

export class DhtService {
  private node: DhtNode | null = null;
  private state: DhtSettingsView['state'] = 'off';
  private lastError: string | null = null;
  private enabled: boolean;
  private readonly announcedAt = new Map<string, number>();
  private roundTimer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private announcing: Promise<void> | undefined;
  /** The library changed since the last round read it (reading it costs: it is not done every minute for nothing). */
  private dirty = true;
  /** When the next announce falls due, if the library does not change. */
  private nextDueAt = 0;
  /** Serialises start and stop. */
  private switching: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: DhtServiceOptions) {
    this.enabled = o.state.get('dhtEnabled') ?? o.config.enabled;
  }

  /** The running DHT node, or null while off. */
  dht(): DhtNode | null {
    return this.node;
  }

  get peersPerLookup(): number {
    return this.o.config.peers_per_lookup;
  }

  /** Starts the DHT if the switch is on; a failure (port taken) is the view's lastError, not a failed node. */
  async start(): Promise<void> {
    if (this.enabled) await this.switchTo(true);
  }

  async set(enabled: boolean): Promise<DhtSettingsView> {
    this.o.state.set('dhtEnabled', enabled);
    this.enabled = enabled;
    await this.switchTo(enabled);
    return this.view();
  }

  /** The library changed: announce what is new soon (one round for a burst of changes). */
  libraryChanged(): void {
    this.dirty = true;
    if (!this.node || this.o.config.max_announced === 0) return;
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => this.round(), CHANGE_DELAY_MS);
  }

  view(): DhtSettingsView {
    const bootstrap = this.o.config.bootstrap;
    const now = Date.now();
    return {
      enabled: this.enabled, state: this.state, mode: bootstrap.length > 0 ? 'private' : 'public', bootstrap,
      port: this.node?.port ?? null, nodes: this.node?.nodeCount() ?? 0,
      announced: [...this.announcedAt.values()].filter((t) => now - t < REANNOUNCE_MS).length,
      maxAnnounced: this.o.config.max_announced, lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.switchTo(false);
  }

  private switchTo(on: boolean): Promise<void> {
    const next = this.switching.then(() => (on && !this.closed ? this.turnOn() : this.turnOff()));
    this.switching = next.catch(() => undefined);
    return next;
  }

  private async turnOn(): Promise<void> {
    if (this.node) return;
    this.state = 'starting';
    const c = this.o.config;
    try {
      this.node = await DhtNode.start({
        // DhtNode.start maps an IPv6 peer.host to IPv4 (the library speaks IPv4 only).
        port: c.port, host: this.o.host, bootstrap: c.bootstrap.length > 0 ? c.bootstrap : 'public', logger: this.o.logger,
      });
    } catch (err) {
      this.state = 'failed';
      this.lastError = err instanceof Error ? err.message : String(err);
      this.o.logger.warn({ err }, 'the DHT could not start');
      return;
    }
    this.state = 'on';
    this.lastError = null;
    this.dirty = true;
    this.o.logger.info({ port: this.node.port, bootstrap: c.bootstrap.length > 0 ? c.bootstrap : PUBLIC_BOOTSTRAP }, 'DHT on: finding and offering sources without an index server');
    this.roundTimer = setInterval(() => this.round(), ROUND_MS);
    // The first round once the routing table is filled (an announce needs the closest nodes).
    void this.node.whenReady().then(() => this.round());
  }

  private async turnOff(): Promise<void> {
    clearInterval(this.roundTimer);
    clearTimeout(this.changeTimer);
    const node = this.node;
    this.node = null;
    this.state = 'off';
    this.announcedAt.clear();
    await node?.close();
    await this.announcing;
  }

  /** Announces, one at a time, every shared file (up to the limit) not announced in the last period. */
  private round(): void {
    if (this.announcing || !this.node) return;
    // Cleared by identity once done: a round with nothing to do settles before it is stored.
    const round: Promise<void> = this.announceDue().finally(() => {
      if (this.announcing === round) this.announcing = undefined;
      // A file shared while this round ran: soon, not at the next minute.
      if (this.dirty) this.libraryChanged();
    });
    this.announcing = round;
  }

  private async announceDue(): Promise<void> {
    if (!this.dirty && Date.now() < this.nextDueAt) return;
    this.dirty = false;
    let failed = false;
    const limit = this.o.config.max_announced;
    const ids = limit === 0 ? [] : this.o.sharedFileIds().slice(0, limit);
    const wanted = new Set(ids);
    for (const id of this.announcedAt.keys()) if (!wanted.has(id)) this.announcedAt.delete(id);
    for (const id of ids) {
      const node = this.node;
      if (!node) return;
      const last = this.announcedAt.get(id);
      if (last !== undefined && Date.now() - last < REANNOUNCE_MS) continue;
      try {
        await node.announce(id, this.o.peerPort());
        this.announcedAt.set(id, Date.now());
      } catch (err) {
        // No node answered (a DHT still forming, or alone): the next round tries again.
        if (this.node) this.o.logger.debug({ err, fileId: id }, 'a DHT announce failed');
        failed = true;
      }
    }
    // A loop, not Math.min(...values): spreading dht.max_announced arguments can overflow the stack.
    let oldest = Infinity;
    for (const at of this.announcedAt.values()) if (at < oldest) oldest = at;
    this.nextDueAt = failed ? 0 : oldest + REANNOUNCE_MS; // Infinity when nothing is announced
  }
}
