// The config's connection and request limits, as each port applies them.
import type { NodeConfig } from '../config/config-schema.js';
import type { ServingLimits } from '../http/connection-guard.js';

export function peerServingLimits(config: NodeConfig): ServingLimits {
  const s = config.security;
  return {
    maxConnections: s.max_connections, maxConnectionsPerAddress: s.max_connections_per_address,
    maxRequestsPerAddress: s.max_requests_per_address, requestWindowMs: s.request_window,
  };
}

/**
 * Every registered peer keeps its /ws and a kept-alive connection for heartbeats, and many peers
 * can share one address (NAT, a test machine), so the index port allows two connections per peer
 * on top of the peer port's allowance, in all and per address.
 */
export function indexServingLimits(config: NodeConfig): ServingLimits {
  const connections = 2 * config.super_peer.max_peers + config.security.max_connections;
  return {
    maxConnections: connections, maxConnectionsPerAddress: connections,
    maxRequestsPerAddress: config.super_peer.max_requests_per_address, requestWindowMs: config.security.request_window,
  };
}
