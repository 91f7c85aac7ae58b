// The index servers the user added to the federation in Settings ("Federate with"), kept in the
// node state (`federationAdded`) beside `super_peer.federation` from the config file, and what Settings shows of the
// federation. A change applies at once: the new servers are probed and join when they answer.
import type { FederationSettingsView } from '../../../../src-shared/api/federation.js';
import { MAX_ADDED_FEDERATION } from '../../../../src-shared/api/federation.js';
import type { NodeStateOf } from '../../store/node-state.js';
import type { FederationMembers } from './members.js';
import { canonical } from './members.js';

export class AddedFederation {
  private list: string[];

  constructor(private readonly o: { state: NodeStateOf<'federationAdded'>; configured: readonly string[] }) {
    // The node state skips a damaged or hand-edited entry; a hand-edited spelling is made one here.
    this.list = o.state.get('federationAdded').flatMap((a) => canonical(a) ?? []);
  }

  /** The configured servers, then the added ones (what the members table starts from). */
  addresses(): string[] {
    return [...this.o.configured, ...this.list];
  }

  view(members: FederationMembers): FederationSettingsView {
    const added = new Set(this.list);
    const configured = new Set(this.o.configured.map((a) => canonical(a) ?? a));
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
      })),
    };
  }

  /** Replaces the added list (deduplicated, without configured ones); the new ones are probed now. */
  set(addresses: readonly string[], members: FederationMembers): FederationSettingsView {
    const configured = new Set(this.o.configured.map((a) => canonical(a) ?? a));
    const list = [...new Set(addresses.flatMap((a) => canonical(a) ?? []))].filter((a) => !configured.has(a)).slice(0, MAX_ADDED_FEDERATION);
    this.o.state.set('federationAdded', list);
    this.list = list;
    void members.refresh();
    return this.view(members);
  }
}
