// Builds a node's federation from its config (super_peer.federation*): the members table and the
// query forwarding. The index role starts its gossip when the index port opens and stops it after.
import { Federation } from './federation.js';
import { FederationMembers } from './members.js';
import type { NodeDialer } from '../../net/node-dialer.js';

export interface FederationConfig {
  federation: readonly string[];
  federation_deadline: number;
  federation_max_hops: number;
  federation_learn: boolean;
  federation_replicas: boolean;
}

/** Servers asked per hop at most. */
const FAN_OUT = 8;
/** A gossip round (every known server asked for its list) this often. */
export const GOSSIP_INTERVAL_MS = 60_000;
/** A member's feed of its peers is pulled this often (replica-puller.ts): how long a change there takes to show here. */
export const REPLICA_POLL_MS = 1_000;
/** `more=<queryId>` waits at most this long after the query started (at least the first deadline). */
const MORE_DEADLINE_MS = 3_000;

export function createFederation(o: {
  selfId: string;
  config: FederationConfig;
  /** Index servers found on the LAN. */
  lan: () => readonly { address: string; indexId: string }[];
  /** The configured servers and those added in Settings (added-federation.ts); default: the config's. */
  configured?: () => readonly string[];
  /** This node's index port while the role is on. */
  ownPort: () => number | null;
  /** Access control: remote sources in blocked networks, or blocked devices, are left out. */
  sourceAllowed?: (source: { url: string; peerId: string }) => boolean;
  /** Access control: whether an index server's `host:port` may be contacted (members.ts `allows`). */
  addressAllowed?: (address: string) => boolean;
  /** Access control: whether a node id is a blocked device (members.ts `blocked`). */
  deviceBlocked?: (nodeId: string) => boolean;
  /** The node's dialer: index servers are called over TLS when encryption is on. */
  dialer?: NodeDialer;
}): Federation {
  const members = new FederationMembers({
    selfId: o.selfId, configured: o.configured ?? (() => o.config.federation), lan: o.lan, ownPort: o.ownPort, learn: o.config.federation_learn,
    ...(o.addressAllowed ? { allows: o.addressAllowed } : {}),
    ...(o.deviceBlocked ? { blocked: o.deviceBlocked } : {}),
    ...(o.dialer ? { dialer: o.dialer } : {}),
  });
  return new Federation(members, () => ({
    searchDeadlineMs: o.config.federation_deadline,
    moreDeadlineMs: Math.max(MORE_DEADLINE_MS, o.config.federation_deadline),
    maxHops: o.config.federation_max_hops,
    fanOut: FAN_OUT,
    replicate: o.config.federation_replicas,
    ...(o.sourceAllowed ? { sourceAllowed: o.sourceAllowed } : {}),
    ...(o.dialer ? { dialer: o.dialer } : {}),
  }));
}
