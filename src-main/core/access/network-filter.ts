// Network-level filtering: security.allowed_networks / security.blocked_networks (CIDR, IPv4 and
// IPv6), matched with Node's built-in net.BlockList. A blocked address gets 403 NETWORK_BLOCKED
// on the peer and index ports before anything else (connection-guard.ts), is never listed as a
// source by this node's index and is never used as a source by its downloads. The config gives
// the starting lists; a change in Settings is kept in the node state and wins from then on.
import { BlockList, isIP } from 'node:net';
import type { NetworkSettings } from '../../../src-shared/api/access.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { plainAddress } from '../net/remote-address.js';
import type { NodeStateOf } from '../store/node-state.js';

export interface NetworkFilterOptions {
  defaults: NetworkSettings;
  /** Where a change is kept (none: the config's lists, changed for this run only). */
  state?: NodeStateOf<'networkSettings'>;
}

export class NetworkFilter {
  private current: NetworkSettings;
  private allowed: BlockList | undefined;
  private blocked = new BlockList();

  constructor(private readonly o: NetworkFilterOptions) {
    this.current = { ...o.defaults, ...o.state?.get('networkSettings') };
    this.apply(this.current, listsOf(this.current));
  }

  get(): NetworkSettings {
    return { allowedNetworks: [...this.current.allowedNetworks], blockedNetworks: [...this.current.blockedNetworks], allowPlainHttp: this.current.allowPlainHttp };
  }

  /** Whether strangers may use plain HTTP (security.allow_plain_http until changed in Settings). */
  plainHttpAllowed(): boolean {
    return this.current.allowPlainHttp;
  }

  /** Changes the lists, live; a list that does not parse changes nothing (400 INVALID_NETWORK). */
  set(update: Partial<NetworkSettings>): NetworkSettings {
    const changed = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as Partial<NetworkSettings>;
    const next = { ...this.current, ...changed };
    const lists = listsOf(next);
    // Only what the user changed is kept: the config still decides the rest (as transfer settings do).
    this.o.state?.set('networkSettings', { ...this.o.state.get('networkSettings'), ...changed });
    this.apply(next, lists);
    return this.get();
  }

  /** Whether an address (as a socket gives it, "::ffff:1.2.3.4" included) may reach this node. */
  allows(address: string | undefined): boolean {
    // No list in force (the default): every address may. Asked for every connection and for every
    // source of every federated answer, and BlockList.check builds a SocketAddress each time (4 %
    // of an index server's CPU under the federated load test).
    if (!address || (!this.allowed && this.current.blockedNetworks.length === 0)) return true;
    const plain = plainAddress(address);
    const family = isIP(plain);
    // A host name (a peer's claimed address, a source's URL) could resolve anywhere, inside a
    // blocked network or outside the allowed ones: with a list in force (as here) it is not believed.
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.blocked.check(plain, type)) return false;
    return !this.allowed || this.allowed.check(plain, type);
  }

  /** Whether a source's download URL points at an allowed address. */
  allowsUrl(url: string): boolean {
    try {
      return this.allows(new URL(url).hostname.replace(/^\[(.*)\]$/, '$1'));
    } catch {
      return false;
    }
  }

  private apply(settings: NetworkSettings, lists: { blocked: BlockList; allowed: BlockList | undefined }): void {
    this.current = settings;
    this.blocked = lists.blocked;
    this.allowed = lists.allowed;
  }
}

/** "10.0.0.0/8", "fd00::/8" or one address ("192.168.1.7", a /32 or /128); undefined when it is neither. */
export function parseNetwork(text: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const family = isIP(address);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, type: family === 4 ? 'ipv4' : 'ipv6' };
}

/** The lists' matchers; a network that does not parse throws INVALID_NETWORK, before anything changed. */
function listsOf(settings: NetworkSettings): { blocked: BlockList; allowed: BlockList | undefined } {
  return { blocked: toBlockList(settings.blockedNetworks), allowed: settings.allowedNetworks.length > 0 ? toBlockList(settings.allowedNetworks) : undefined };
}

function toBlockList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of networks) {
    const network = parseNetwork(text);
    if (!network) throw new ShoalError('INVALID_NETWORK', `"${text}" is not a network: write it like 192.168.1.0/24 or fd00::/8.`);
    list.addSubnet(network.address, network.prefix, network.type);
  }
  return list;
}
