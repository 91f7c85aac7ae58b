// Index servers the user adds by hand while the node runs (Settings, POST /api/v1/index-servers).
// They are kept in the node state (`addedIndexServers`), so they survive a restart; the config file's and the
// --index-server flag's addresses stay the config's business and cannot be removed here. One added
// as `host:port#NODEID` has that id pinned before it is first reached (net/index-pins.ts).
import { canonicalHostPort, indexAddressSchema, splitIndexAddress } from '../../../src-shared/api/index-address.js';
import { MAX_ADDED_INDEX_SERVERS } from '../../../src-shared/api/peer-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { NodeStateOf } from '../store/node-state.js';
import type { IndexServerRef } from './server-choice.js';

export interface AddedIndexServersOptions {
  state: NodeStateOf<'addedIndexServers'>;
  /** Every index server the node knows now (configured, added, self, discovered). */
  known: () => readonly IndexServerRef[];
  /** Told after every change, so the index client looks at its list at once. */
  onChange: () => void;
  /** The node id given with an added address (`host:port#NODEID`): the only one accepted there. */
  giveId?: (address: string, nodeId: string) => void;
  max?: number;
}

/** One spelling per server (canonicalHostPort), whatever space surrounds it. */
export const canonicalAddress = (address: string): string => canonicalHostPort(address.trim());

export class AddedIndexServers {
  private addresses: string[];
  private readonly max: number;

  constructor(private readonly o: AddedIndexServersOptions) {
    this.max = o.max ?? MAX_ADDED_INDEX_SERVERS;
    this.addresses = this.saved();
  }

  list(): readonly string[] {
    return this.addresses;
  }

  add(input: string): void {
    const { address, nodeId } = splitIndexAddress(indexAddressSchema.parse(input));
    if (this.addresses.includes(address)) throw new ShoalError('INDEX_SERVER_EXISTS', `${address} is already added.`);
    if (this.sourceOf(address) === 'configured') {
      throw new ShoalError('INDEX_SERVER_EXISTS', `${address} is already in this node\u2019s configuration.`);
    }
    if (this.addresses.length >= this.max) {
      throw new ShoalError('INDEX_SERVERS_FULL', `At most ${this.max} index servers can be added by hand; remove one first.`);
    }
    if (nodeId) this.o.giveId?.(address, nodeId);
    this.save([...this.addresses, address]);
  }

  remove(input: string): void {
    const address = canonicalAddress(input);
    if (this.addresses.includes(address)) {
      this.save(this.addresses.filter((a) => a !== address));
      return;
    }
    const source = this.sourceOf(address);
    if (source === 'configured') {
      throw new ShoalError('INDEX_SERVER_NOT_REMOVABLE', `${address} comes from this node\u2019s configuration (config file or --index-server); remove it there.`);
    }
    if (source === 'discovered') throw new ShoalError('INDEX_SERVER_NOT_REMOVABLE', `${address} was found on your network; it leaves the list when it stops.`);
    if (source === 'self') throw new ShoalError('INDEX_SERVER_NOT_REMOVABLE', `${address} is this node\u2019s own index; turn "Run as index server" off instead.`);
    throw new ShoalError('INDEX_SERVER_NOT_FOUND', `This node knows no index server at ${address}.`);
  }

  private sourceOf(address: string): IndexServerRef['source'] | undefined {
    return this.o.known().find((ref) => canonicalAddress(ref.address) === address)?.source;
  }

  private save(addresses: string[]): void {
    this.o.state.set('addedIndexServers', addresses);
    this.addresses = addresses;
    this.o.onChange();
  }

  /** The node state skips a damaged or hand-edited entry; a hand-edited spelling is made one here. */
  private saved(): string[] {
    return [...new Set(this.o.state.get('addedIndexServers').map(canonicalAddress))].slice(0, this.max);
  }
}
