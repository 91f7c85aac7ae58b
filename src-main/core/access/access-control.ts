// The node's access control (issue 14), built once in the composition root: the network filter,
// the devices it has seen, the gate both ports check first, and what the index role and the
// downloads ask of them.
import type { NodeConfig } from '../config/config-schema.js';
import type { IndexAccess } from '../index/index-service.js';
import type { Db } from '../store/database.js';
import type { NodeStateOf } from '../store/node-state.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { AccessGate } from './access-gate.js';
import { Devices } from './devices.js';
import { NetworkFilter } from './network-filter.js';

export interface AccessControl {
  networks: NetworkFilter;
  devices: Devices;
  gate: AccessGate;
  index: IndexAccess;
  /** Whether a download may use this source (its address is allowed, its device not blocked). */
  sourceAllowed(source: { url: string; peerId: string | null }): boolean;
}

export function createAccessControl(o: { config: NodeConfig; db: Db; selfId: string; state: NodeStateOf<'networkSettings'> }): AccessControl {
  const networks = new NetworkFilter({
    defaults: { allowedNetworks: o.config.security.allowed_networks, blockedNetworks: o.config.security.blocked_networks, allowPlainHttp: o.config.security.allow_plain_http },
    state: o.state,
  });
  const devices = new Devices(o.db, o.selfId);
  const sourceAllowed = (source: { url: string; peerId: string | null }) => networks.allowsUrl(source.url) && !devices.isBlocked(source.peerId);
  return {
    networks, devices, sourceAllowed,
    gate: new AccessGate({ networks, devices }),
    index: {
      registrationRefusal: (peerId, address) => {
        if (devices.isBlocked(peerId)) return new ShoalError('DEVICE_BLOCKED');
        if (!networks.allows(address)) return new ShoalError('NETWORK_BLOCKED', 'The address this peer registers is in a network this index server blocks.');
        return undefined;
      },
      sourceAllowed,
      seen: (peerId, name, address) => devices.seen(peerId, { name, address }),
    },
  };
}
