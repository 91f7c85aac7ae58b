// The index servers the user added to the federation in Settings ("Federate with"), kept in the
// node state (`federationAdded`) beside `super_peer.federation` from the config file, and what Settings shows of the
// federation. A change applies at once: the new servers are probed and join when they answer.
// Each is `host:port`, or `host:port#NODEID` to federate only with that node there (members.ts).
import type { FederationSettingsView } from '../../../../src-shared/api/federation.js';
import { MAX_ADDED_FEDERATION } from '../../../../src-shared/api/federation.js';
import { joinIndexAddress, splitIndexAddress } from '../../../../src-shared/api/index-address.js';
import type { NodeStateOf } from '../../store/node-state.js';
import type { FederationMembers } from './members.js';
import { canonical } from './members.js';

export class AddedFederation {
  private list: string[];

  constructor(private readonly o: { state: NodeStateOf<'federationAdded'>; configured: readonly string[] }) {
    // The node state skips a damaged or hand-edited entry; a hand-edited spelling is made one here.
    this.list = o.state.get('federationAdded').flatMap((a) => written(a) ?? []);
  }

  /** The configured servers, then the added ones (what the members table starts from). */
  addresses(): string[] {
    return [...this.o.configured, ...this.list];
  }

  view(members: FederationMembers): FederationSettingsView {
    const added = new Set(this.list.map(addressOf));
    const configured = new Set(this.o.configured.map(addressOf));
    return {
      configured: [...this.o.configured],
      added: [...this.list],
      servers: members.all().map((m) => ({
        address: m.address,
        origin: m.origin === 'configured' && added.has(m.address) && !configured.has(m.address) ? 'added' : m.origin,
        indexId: m.indexId,
        lastSeen: m.lastSeen === null ? null : new Date(m.lastSeen).toISOString(),
        // A member blocked since (its network, or its id) gets no query from now on: not "answering".
        answering: m.lastSeen !== null && m.failures === 0 && !members.refuses(m),
        ...(m.givenId ? { identity: { nodeId: m.givenId, presented: m.presented } } : {}),
      })),
    };
  }

  /** Replaces the added list (one entry an address, without configured ones); the new ones are probed now. */
  set(addresses: readonly string[], members: FederationMembers): FederationSettingsView {
    const configured = new Set(this.o.configured.map(addressOf));
    const byAddress = new Map<string, string>();
    for (const a of addresses) {
      const w = written(a);
      // The last spelling of an address wins (re-added with its id, it replaces the one without).
      if (w && !configured.has(addressOf(w))) byAddress.set(addressOf(w), w);
    }
    const list = [...byAddress.values()].slice(0, MAX_ADDED_FEDERATION);
    this.o.state.set('federationAdded', list);
    this.list = list;
    void members.refresh();
    return this.view(members);
  }
}

/** `host:port` of an entry, as the members table keys it. */
function addressOf(entry: string): string {
  const { address } = splitIndexAddress(entry);
  return canonical(address) ?? address;
}

/** An entry in its one written form (`host:port` or `host:port#NODEID`), or undefined when it is no address. */
function written(entry: string): string | undefined {
  const { address, nodeId } = splitIndexAddress(entry);
  const key = canonical(address);
  return key ? joinIndexAddress(nodeId ? { address: key, nodeId } : { address: key }) : undefined;
}
