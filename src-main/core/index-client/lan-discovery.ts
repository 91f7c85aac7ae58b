// Zero-configuration LAN discovery of index servers: DNS-SD over multicast DNS (bonjour-service).
// An index server advertises `_shoal-index._tcp` with its id and name in the TXT record; peers
// browse for it. A clean stop sends a goodbye (the entry goes at once); an index that vanished
// without one (crash, cable) stops answering the periodic re-query and is dropped when stale.
//
// The node receives a LanDiscovery, so tests and `peer.lan_discovery: false` use `noLanDiscovery`
// and open no multicast socket at all.
import { isIPv4 } from 'node:net';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as BonjourModule from 'bonjour-service';
import type { Bonjour, Service } from 'bonjour-service';
import type { Logger } from 'pino';
import { hostForUrl } from '../net/host-for-url.js';

/** DNS-SD service type: `_shoal-index._tcp.local`. */
export const INDEX_SERVICE_TYPE = 'shoal-index';
const TXT_VERSION = '1';

export interface DiscoveredIndex {
  /** `host:port` of the index API, IPv4 preferred (`[v6]:port` otherwise). */
  address: string;
  name: string;
  indexId: string;
  /** ISO 8601: when it last answered. */
  seenAt: string;
}

export interface IndexAdvertisement {
  stop(): Promise<void>;
}

export interface IndexBrowsing {
  list(): DiscoveredIndex[];
  stop(): Promise<void>;
}

export interface AdvertisedIndex {
  port: number;
  indexId: string;
  name: string;
}

export interface LanDiscovery {
  advertiseIndex(info: AdvertisedIndex): IndexAdvertisement;
  /** `onChange` gets the whole list each time an index server appears, changes or goes away. */
  browseIndexes(onChange?: (list: DiscoveredIndex[]) => void): IndexBrowsing;
}

export interface MdnsOptions {
  logger?: Pick<Logger, 'debug' | 'info' | 'warn'>;
  /** How often a browser asks again who is there (default 60 s). */
  refreshMs?: number;
  /** An index server silent this long is dropped (default 3 refreshes). */
  staleAfterMs?: number;
  /** Use only the network interface with this IPv4 address (default: all). */
  interfaceAddress?: string;
  /** The mDNS responder to use instead of a new bonjour-service one (a test's stand-in, driven on a fake clock). */
  bonjour?: MdnsResponder;
}

/** What browsing uses of bonjour-service. */
export type MdnsResponder = Pick<Bonjour, 'find' | 'destroy'>;

/** Discovery switched off: advertises nothing, finds nothing, opens no socket. */
export const noLanDiscovery: LanDiscovery = {
  advertiseIndex: () => ({ stop: async () => undefined }),
  browseIndexes: () => ({ list: () => [], stop: async () => undefined }),
};

/** Discovery with multicast DNS; each advertisement and browser owns its own mDNS socket. */
export function mdnsLanDiscovery(options: MdnsOptions = {}): LanDiscovery {
  return {
    advertiseIndex: (info) => advertiseIndex(info, options),
    browseIndexes: (onChange) => browseIndexes(onChange, options),
  };
}

/** Announces an index server on the LAN until stop() (which sends a goodbye). */
export function advertiseIndex(info: AdvertisedIndex, options: MdnsOptions = {}): IndexAdvertisement {
  const bonjour = openBonjour(options);
  const service = bonjour.publish({
    name: serviceName(info),
    type: INDEX_SERVICE_TYPE,
    port: info.port,
    txt: { v: TXT_VERSION, indexId: info.indexId, name: info.name.slice(0, 100) },
  });
  service.on('error', (err: unknown) => options.logger?.warn({ err }, 'could not advertise the index server on the LAN'));
  let stopped: Promise<void> | undefined;
  return {
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        const destroy = () => bonjour.destroy(() => resolve());
        // The goodbye is one datagram; never wait long for its callback.
        const guard = setTimeout(destroy, 1_000);
        const stop = service.stop as ((callback: () => void) => void) | undefined;
        if (!stop) {
          clearTimeout(guard);
          destroy();
          return;
        }
        stop(() => {
          clearTimeout(guard);
          destroy();
        });
      });
      return stopped;
    },
  };
}

/** Index servers on the LAN kept at once, at most; more announcements are ignored until some go. */
const MAX_DISCOVERED = 64;
/** The longest name or id taken from an announcement. */
const MAX_TEXT = 200;

/** Finds index servers on the LAN and keeps the list current until stop(). */
export function browseIndexes(onChange?: (list: DiscoveredIndex[]) => void, options: MdnsOptions = {}): IndexBrowsing {
  const refreshMs = options.refreshMs ?? 60_000;
  const staleAfterMs = options.staleAfterMs ?? refreshMs * 3;
  const bonjour = options.bonjour ?? openBonjour(options);
  const found = new Map<string, DiscoveredIndex & { seenAtMs: number }>();

  const changed = () => onChange?.(list());
  const list = (): DiscoveredIndex[] => [...found.values()].map(({ seenAtMs: _seenAtMs, ...index }) => index);

  const seen = (service: Service) => {
    const index = toDiscovered(service);
    if (!index) return;
    const now = Date.now();
    const before = found.get(service.fqdn);
    if (!before && found.size >= MAX_DISCOVERED) return; // anyone on the LAN can announce: a bounded list
    found.set(service.fqdn, { ...index, seenAt: new Date(now).toISOString(), seenAtMs: now });
    if (!before || before.address !== index.address || before.name !== index.name || before.indexId !== index.indexId) changed();
  };
  const gone = (service: Service) => {
    if (found.delete(service.fqdn)) changed();
  };

  const browser = bonjour.find({ type: INDEX_SERVICE_TYPE });
  browser.on('up', seen);
  browser.on('srv-update', seen);
  browser.on('txt-update', seen);
  browser.on('down', gone);

  // The long-lived browser reports each service once; a short-lived one every refresh asks the
  // network again, and whoever answers is still there.
  let probe: ReturnType<Bonjour['find']> | undefined;
  let probeEnd: NodeJS.Timeout | undefined;
  const refresh = setInterval(() => {
    probe?.stop();
    probe = bonjour.find({ type: INDEX_SERVICE_TYPE }, seen);
    clearTimeout(probeEnd);
    probeEnd = setTimeout(() => probe?.stop(), Math.min(5_000, refreshMs / 2));
    probeEnd.unref();
    const cutoff = Date.now() - staleAfterMs;
    let dropped = false;
    for (const [fqdn, index] of found) {
      if (index.seenAtMs >= cutoff) continue;
      found.delete(fqdn);
      dropped = true;
    }
    if (dropped) changed();
  }, refreshMs);
  refresh.unref();

  let stopped: Promise<void> | undefined;
  return {
    list,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(refresh);
        clearTimeout(probeEnd);
        probe?.stop();
        browser.stop();
        browser.removeAllListeners();
        found.clear();
        bonjour.destroy(() => resolve());
      });
      return stopped;
    },
  };
}

/** The address to dial: the IPv4 the answer came from if the record lists it, else a listed IPv4. */
export function addressOf(service: Pick<Service, 'addresses' | 'referer' | 'port'>): string | undefined {
  const addresses = service.addresses ?? [];
  const v4 = addresses.filter((a) => isIPv4(a));
  const from = service.referer?.address;
  const fromV4 = from && isIPv4(from) ? from : undefined;
  const host = (fromV4 && v4.includes(fromV4) ? fromV4 : undefined) ?? v4[0] ?? fromV4 ?? addresses[0] ?? from;
  if (!host || !service.port) return undefined;
  return `${hostForUrl(host)}:${service.port}`;
}

function toDiscovered(service: Service): Omit<DiscoveredIndex, 'seenAt'> | undefined {
  const address = addressOf(service);
  if (!address) return undefined;
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  // Anyone on the LAN can send these: bounded here, and the id is only ever a claim (members.ts).
  const indexId = (typeof txt.indexId === 'string' && txt.indexId ? txt.indexId : service.name).slice(0, MAX_TEXT);
  const name = (typeof txt.name === 'string' && txt.name ? txt.name : service.name).slice(0, MAX_TEXT);
  return { address, name, indexId };
}

/** DNS-SD instance names are one label (at most 63 bytes, no dots) and must be unique on the LAN. */
function serviceName(info: AdvertisedIndex): string {
  const base = info.name.replace(/[.\s]+/g, ' ').trim().slice(0, 40) || 'Shoal';
  return `${base} (${info.indexId.replace(/[^0-9a-zA-Z]/g, '').slice(0, 12)})`;
}

/**
 * bonjour-service (with multicast-dns and dns-packet, ~0.6 MB of heap) is loaded the first time a
 * node advertises or browses, not when this module is imported: a node with `peer.lan_discovery`
 * off never loads it. It is CommonJS, so `require` loads it synchronously and the API stays sync.
 */
let bonjourClass: typeof Bonjour | undefined;
function loadBonjour(): typeof Bonjour {
  bonjourClass ??= (createRequire(import.meta.url)('bonjour-service') as typeof BonjourModule).Bonjour;
  return bonjourClass;
}

function openBonjour(options: MdnsOptions): Bonjour {
  const log = options.logger;
  const Bonjour = loadBonjour();
  // Options go to multicast-dns: one interface (bound on all addresses so multicast still arrives).
  const mdnsOptions = options.interfaceAddress ? { interface: options.interfaceAddress, bind: '0.0.0.0' } : {};
  const bonjour = new Bonjour(mdnsOptions as object, (err: unknown) => log?.debug({ err }, 'mDNS send failed'));
  // bonjour-service leaves its socket's 'error' event unhandled, which would crash the node
  // (port 5353 refused, no multicast route…): discovery is a convenience, never fatal.
  const mdns = (bonjour as unknown as { server?: { mdns?: EventEmitter } }).server?.mdns;
  mdns?.on('error', (err: unknown) => log?.warn({ err }, 'mDNS is unavailable: LAN discovery is off'));
  mdns?.on('warning', (err: unknown) => log?.debug({ err }, 'mDNS warning'));
  return bonjour;
}
