// The first check a stranger's request meets on the peer and index ports (connection-guard.ts),
// before any limit or route: its address must be in an allowed network and not in a blocked one
// (403 NETWORK_BLOCKED), and a device the user blocked is refused (403 DEVICE_BLOCKED), whether it
// proved who it is (TLS client key) or only says so (X-Shoal-Peer: claiming a blocked id only
// gets the claimant refused). The local user (loopback + token) is never refused, and the UI's
// page and assets are served on loopback whatever the lists say: nobody is locked out of their own UI.
import type { IncomingMessage } from 'node:http';
import { PEER_ID_HEADER } from '../../../src-shared/api/transfers.js';
import { normalizeNodeId } from '../../../src-shared/node-id.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { isLoopback } from '../net/remote-address.js';
import type { Devices } from './devices.js';
import type { NetworkFilter } from './network-filter.js';
import { requesterId } from './viewer.js';

export class AccessGate {
  constructor(private readonly o: { networks: NetworkFilter; devices: Pick<Devices, 'isBlocked'> }) {}

  /** Why this stranger's request is refused, or undefined when it may go on. */
  refusal(req: IncomingMessage): ShoalError | undefined {
    const address = req.socket.remoteAddress;
    if (!this.o.networks.allows(address) && !(isLoopback(address) && isPageRequest(req))) return new ShoalError('NETWORK_BLOCKED');
    if (this.o.devices.isBlocked(requesterId(req)) || this.o.devices.isBlocked(claimedId(req))) return new ShoalError('DEVICE_BLOCKED');
    return undefined;
  }
}

/** The UI's page and its assets: GET or HEAD outside /api/ and /ws. */
function isPageRequest(req: IncomingMessage): boolean {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && path !== '/ws';
}

function claimedId(req: IncomingMessage): string | undefined {
  const header = req.headers[PEER_ID_HEADER];
  return typeof header === 'string' && header.length <= 80 ? normalizeNodeId(header) : undefined;
}
