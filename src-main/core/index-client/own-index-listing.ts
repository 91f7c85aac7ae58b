// This node's library in its own index while "Run as index server" is on (issue 16 item 7): a
// second index client whose only server is that index, so a search there finds this node's files
// the moment the role starts, and still does when the index server the node uses is gone. The
// node's main client keeps its place in the network and never registers with its own index (an
// index keeps one session per peer: two clients there would keep replacing each other's).
import type { IndexConnectionView } from '../../../src-shared/api/peer-routes.js';
import { IndexClient, type IndexClientOptions } from './index-client.js';
import type { IndexServerRef } from './server-choice.js';

/** How this node reaches its own index (it listens on the peer's host; loopback always works for the node itself). */
export function ownIndexAddress(port: number | null): string | null {
  return port === null ? null : `127.0.0.1:${port}`;
}

/** Whether `address` names this node's own index on loopback (a configured alias by another name is caught by its id: `refusesIndex`). */
export function isOwnIndexAddress(address: string, port: number | null): boolean {
  if (port === null) return false;
  return ['127.0.0.1', 'localhost', '[::1]'].some((host) => address === `${host}:${port}`);
}

export interface OwnIndexListingOptions extends Omit<IndexClientOptions, 'servers' | 'candidates' | 'refusesIndex'> {
  /** The own index's port while the role is on, else null. */
  ownPort: () => number | null;
}

export function createOwnIndexListing(o: OwnIndexListingOptions): IndexClient {
  const { ownPort, ...options } = o;
  return new IndexClient({
    ...options,
    candidates: (): IndexServerRef[] => {
      const address = ownIndexAddress(ownPort());
      return address === null ? [] : [{ address, source: 'self' }];
    },
  });
}

/**
 * What Settings shows: the main client's servers plus this node's own index (as the own listing
 * sees it). With no other index server known, the own index is the one this node is registered with.
 */
export function withOwnIndex(main: IndexConnectionView, own: IndexConnectionView): IndexConnectionView {
  const servers = [...main.servers.filter((s) => !own.servers.some((o) => o.address === s.address)), ...own.servers];
  if (main.servers.length > 0 || own.servers.length === 0) return { ...main, servers };
  return { ...own, servers };
}
