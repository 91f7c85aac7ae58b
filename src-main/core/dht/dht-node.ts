// One node of the BitTorrent Mainline DHT (BEP 5), through `bittorrent-dht` (WebTorrent's): Shoal
// does not implement a DHT, it only bounds and types this one. A file's DHT key (its "infohash") is
// the first 20 bytes of its id; the port a node announces is its peer API's, so a peer found in the
// DHT is just the host:port of a Shoal peer API, a claim to be checked like any source.
//
// Bounds: at most MAX_LOOKUPS_AT_ONCE lookups run at once (the rest wait their turn, at most
// MAX_LOOKUPS_WAITING of them); a lookup keeps at most `maxPeers` peers and ends by `timeoutMs`;
// the library's own k-rpc keeps at most 16 UDP queries in flight.
//
// Private mode: with a bootstrap list, only those nodes are asked to start with (an empty list
// makes the first node of a private DHT); without one, the public routers. A node of a private DHT
// learns other nodes only from the nodes it talks to, so it never reaches the public DHT unless one
// of its own nodes does.
//
// A peer's host is whatever the nodes asked say: one that cannot be a peer (unspecified, multicast,
// broadcast) is dropped, and so is a loopback one unless this node's DHT is bound to loopback
// itself (a private DHT on one machine): a stranger must not make this node fetch from itself.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- bittorrent-dht ships no types, and an untyped module cannot be typed by import; the reference brings them to every tsconfig that reaches this file
/// <reference path="./bittorrent-dht.d.ts" />
import { createSocket } from 'node:dgram';
import { BlockList, isIP } from 'node:net';
import type DHT from 'bittorrent-dht';
import type { DhtPeer } from 'bittorrent-dht';
import type { Logger } from 'pino';
import { ShoalError } from '../../../src-shared/errors.js';

/** The routers `bittorrent-dht` asks when no bootstrap list is given (k-rpc's BOOTSTRAP_NODES). */
export const PUBLIC_BOOTSTRAP = ['router.bittorrent.com:6881', 'router.utorrent.com:6881', 'dht.transmissionbt.com:6881'] as const;

export const MAX_LOOKUPS_AT_ONCE = 4;
export const MAX_LOOKUPS_WAITING = 64;
const DEFAULT_PEERS_PER_LOOKUP = 20;
export const DEFAULT_LOOKUP_TIMEOUT_MS = 10_000;
/** A lookup with at least one peer stops this long after its first peer: the rest are rarely better. */
const LOOKUP_GRACE_MS = 1_500;

export interface DhtNodeOptions {
  /** UDP port; 0 = any free port. */
  port: number;
  /** The address to bind (the peer's own `peer.host`; an IPv6 one is mapped, see udp4Host). */
  host: string;
  /** "host:port" nodes to start from; an empty list starts a private DHT alone; 'public': the public routers. */
  bootstrap: readonly string[] | 'public';
  logger: Logger;
}

export interface LookupOptions {
  maxPeers?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The DHT key of a Shoal file id: its first 20 bytes (BEP 52 roots are 32 bytes; BEP 5 keys 20). */
function dhtKey(fileId: string): Buffer {
  return Buffer.from(fileId.slice(0, 40), 'hex');
}

/**
 * The IPv4 address to bind for `host`: the library speaks IPv4 only (no BEP 32), so an IPv6 host
 * means the IPv4 interfaces of the same reach: ::1 is 127.0.0.1, ::ffff:a.b.c.d is a.b.c.d, any
 * other (::, a global address) all IPv4 interfaces.
 */
function udp4Host(host: string): string {
  if (!host.includes(':')) return host;
  const plain = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (plain === '::1') return '127.0.0.1';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  return mapped && isIP(mapped[1]!) === 4 ? mapped[1]! : '0.0.0.0';
}

/** Hosts nothing is ever fetched from: unspecified ("this network"), multicast, broadcast. */
const NEVER_PEERS = new BlockList();
NEVER_PEERS.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER_PEERS.addSubnet('224.0.0.0', 4, 'ipv4');
NEVER_PEERS.addAddress('255.255.255.255', 'ipv4');
NEVER_PEERS.addAddress('::', 'ipv6');
NEVER_PEERS.addSubnet('ff00::', 8, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const isLoopbackAddress = (address: string) => isIP(address) !== 0 && LOOPBACK.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');

/** Whether a peer the DHT names at `host` may be asked at all (an IP address, not one of NEVER_PEERS, loopback only when allowed). */
function isPeerHost(host: string, loopbackAllowed: boolean): boolean {
  const family = isIP(host);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return !NEVER_PEERS.check(host, type) && (loopbackAllowed || !LOOPBACK.check(host, type));
}

export class DhtNode {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  /** Aborted on close: the library never calls back what was in flight when it is destroyed. */
  private readonly closing = new AbortController();

  /**
   * @param loopbackPeers this node's DHT is bound to loopback: a peer on loopback is one of its own
   * private DHT's (anywhere else, it is a stranger pointing this node at itself)
   */
  private constructor(private readonly dht: DHT, readonly port: number, readonly bootstrap: readonly string[] | 'public', private readonly logger: Logger, private readonly loopbackPeers: boolean) {}

  static async start(o: DhtNodeOptions): Promise<DhtNode> {
    const host = udp4Host(o.host);
    // Imported here: an ES-only package, which the CommonJS bundle of the `shoal` command
    // (scripts/bundle-cli.mjs) can only import(), not require().
    const { default: Dht } = await import('bittorrent-dht');
    const socket = createSocket('udp4');
    const dht = new Dht({
      // A list (even empty) replaces the public routers; absent means them.
      ...(o.bootstrap === 'public' ? {} : { bootstrap: [...o.bootstrap] }),
      socket,
      host: false,
    });
    dht.on('warning', (err: Error) => o.logger.debug({ err }, 'dht warning'));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        dht.destroy();
        reject(err.code === 'EADDRINUSE' ? new ShoalError('PORT_IN_USE', `The DHT's UDP port ${o.port} is already in use by another program (dht.port; 0 = any free port).`) : err);
      };
      dht.once('error', onError);
      dht.listen(o.port, host, () => {
        dht.off('error', onError);
        resolve();
      });
    });
    dht.on('error', (err: Error) => o.logger.warn({ err }, 'dht error'));
    const bound = dht.address();
    const node = new DhtNode(dht, bound.port, o.bootstrap, o.logger, isLoopbackAddress(bound.address));
    o.logger.info({ port: node.port, bootstrap: o.bootstrap === 'public' ? 'public' : o.bootstrap }, 'dht listening');
    return node;
  }

  /** Nodes in the routing table. */
  nodeCount(): number {
    return this.dht.nodes.count();
  }

  /** The routing table's contacts, host:port. */
  contacts(): string[] {
    return this.dht.nodes.toArray().map((n) => `${n.host}:${n.port}`);
  }

  /** Resolves once the first bootstrap round is done (it may have found nobody). */
  whenReady(): Promise<void> {
    if (this.dht.ready) return Promise.resolve();
    return new Promise((resolve) => this.dht.once('ready', () => resolve()));
  }

  /**
   * Peers (host:port of a Shoal peer API) the DHT says hold this file: claims, not checked here.
   * Ends when the DHT has been walked, `maxPeers` are found, a little after the first peer, at the
   * timeout, or on abort; never rejects for what the DHT answers.
   */
  async lookup(fileId: string, o: LookupOptions = {}): Promise<DhtPeer[]> {
    const maxPeers = o.maxPeers ?? DEFAULT_PEERS_PER_LOOKUP;
    const timeoutMs = o.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
    await this.turn(o.signal);
    try {
      return await this.walk(dhtKey(fileId), maxPeers, timeoutMs, o.signal ? AbortSignal.any([o.signal, this.closing.signal]) : this.closing.signal);
    } finally {
      this.release();
    }
  }

  /** Tells the nodes closest to the file's key that this node's peer API at `port` has it. */
  async announce(fileId: string, port: number): Promise<void> {
    if (this.closed) throw new ShoalError('SERVICE_UNAVAILABLE', 'The DHT is stopped.');
    await this.turn();
    try {
      await new Promise<void>((resolve, reject) => {
        const onClose = () => reject(new ShoalError('SERVICE_UNAVAILABLE', 'The DHT is stopped.'));
        this.closing.signal.addEventListener('abort', onClose, { once: true });
        this.dht.announce(dhtKey(fileId), port, (err) => {
          this.closing.signal.removeEventListener('abort', onClose);
          if (err) reject(err);
          else resolve();
        });
      });
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    for (const wake of this.waiting.splice(0)) wake();
    await new Promise<void>((resolve) => this.dht.destroy(() => resolve()));
    this.logger.info('dht stopped');
  }

  private walk(key: Buffer, maxPeers: number, timeoutMs: number, signal?: AbortSignal): Promise<DhtPeer[]> {
    return new Promise((resolve) => {
      const found = new Map<string, DhtPeer>();
      const walking: { abort?: () => void } = {};
      let grace: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        clearTimeout(grace);
        this.dht.off('peer', onPeer);
        signal?.removeEventListener('abort', finish);
        walking.abort?.();
        resolve([...found.values()]);
      };
      const onPeer = (peer: DhtPeer, infoHash: Uint8Array) => {
        if (!key.equals(infoHash) || found.size >= maxPeers) return;
        if (!Number.isInteger(peer.port) || peer.port < 1 || peer.port > 65535) return;
        if (!isPeerHost(peer.host, this.loopbackPeers)) return;
        found.set(`${peer.host}:${peer.port}`, { host: peer.host, port: peer.port });
        if (found.size >= maxPeers) finish();
        else grace ??= setTimeout(finish, LOOKUP_GRACE_MS);
      };
      const timer = setTimeout(finish, timeoutMs);
      if (signal?.aborted || this.closed) return finish();
      signal?.addEventListener('abort', finish, { once: true });
      this.dht.on('peer', onPeer);
      walking.abort = this.dht.lookup(key, () => finish());
    });
  }

  private async turn(signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new ShoalError('SERVICE_UNAVAILABLE', 'The DHT is stopped.');
    if (this.running < MAX_LOOKUPS_AT_ONCE) {
      this.running++;
      return;
    }
    if (this.waiting.length >= MAX_LOOKUPS_WAITING) throw new ShoalError('SERVICE_UNAVAILABLE', 'Too many DHT lookups are waiting; try again shortly.');
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.closed) throw new ShoalError('SERVICE_UNAVAILABLE', 'The DHT is stopped.');
    // release() handed its slot over (running is unchanged): hand it on if this one gave up.
    if (signal?.aborted) {
      this.release();
      signal.throwIfAborted();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
