// The index port: the seed's super-peer endpoints, their OpenAPI document, /ws, and the read-only
// network dashboard at `/` (dashboard-page.ts).
import type { TlsOptions } from 'node:tls';
import type { PlainHttpPolicy } from '../http/plain-http.js';
import type { NodeDialer } from '../net/node-dialer.js';
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import type { IndexEventMap } from '../../../src-shared/api/index-events.js';
import { indexRoutes } from '../../../src-shared/api/index-routes.js';
import type { EventBus } from '../events/event-bus.js';
import { createApiApp, listenWithEvents, type ListeningServer } from '../http/api-server.js';
import { ConnectionGuard, type ServingLimits } from '../http/connection-guard.js';
import type { ControlAccess } from '../http/control-access.js';
import type { SocketLimits } from '../http/event-socket.js';
import { heartbeatRoute } from './heartbeat-route.js';
import { indexHandlers } from './index-handlers.js';
import type { IndexService } from './index-service.js';
import { refuseRegistrationFlood } from './registration-gate.js';
import { namedAcrossFederation, type DisplayNames } from './display-names.js';
import { federationRoutes } from '../../../src-shared/api/federation.js';
import { replicaRoutes } from '../../../src-shared/api/replica-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { Federation } from './federation/federation.js';
import { federatedHandlers } from './federation/federated-handlers.js';
import { PieceLists } from './piece-lists.js';
import { serveDashboard } from './dashboard-page.js';

export type IndexServer = ListeningServer;

/**
 * Every registered peer keeps one socket open, and many peers can share one address (NAT, a
 * test machine): the per-address cap is the total. A slow peer is dropped and reconnects.
 */
const INDEX_SOCKET_LIMITS: SocketLimits = { maxSockets: 20_000, maxSocketsPerAddress: 20_000, maxBufferedBytes: 8 * 1024 * 1024 };

export function startIndexServer(o: {
  service: IndexService;
  bus: EventBus<IndexEventMap>;
  access: ControlAccess;
  logger: Logger;
  version: string;
  name: () => string;
  /** Tells same-named peers apart in answers. */
  names?: DisplayNames;
  port: number;
  host: string;
  limits: ServingLimits;
  /** The largest request body read (super_peer.max_request_body); default 8 MB. */
  maxBodyBytes?: number;
  /** Index servers federated with this one (federation/): searches and source lookups answer for them too. */
  federation?: { federation: Federation; selfId: string };
  /** TLS on the index port too (one port, sniffed), and who may still use plain HTTP. */
  tls?: { options: TlsOptions; plain: PlainHttpPolicy };
  /** How the index calls peers (piece lists for Metalinks and torrents). */
  dialer?: NodeDialer;
  /** The built dashboard page served at `/`; default out/dashboard. */
  dashboardDirectory?: string;
}): Promise<IndexServer> {
  const pieceLists = new PieceLists({ dialer: o.dialer });
  // Federating, the merged answers are named once, after merging (namedAcrossFederation).
  const handlers = indexHandlers(o.service, o.name, o.names, pieceLists, o.federation !== undefined);
  const app = createApiApp({
    routes: { ...indexRoutes, ...federationRoutes, ...replicaRoutes },
    handlers: o.federation
      ? namedAcrossFederation(federatedHandlers(handlers, o.federation.federation, o.federation.selfId, pieceLists, o.service.replicas), o.names)
      : {
        ...handlers,
        federationServers: () => ({ indexId: o.service.indexId, servers: [] }),
        federationReplica: () => {
          throw new ShoalError('NOT_A_FEDERATION_MEMBER');
        },
      },
    access: o.access,
    logger: o.logger,
    openApi: { title: 'Shoal index API', version: o.version, description: 'What a Shoal index server (super-peer) serves on its index port.' },
    jsonLimit: o.maxBodyBytes ? `${o.maxBodyBytes}b` : '8mb', // registrations carry up to 5,000 files of metadata (super_peer.max_request_body)
    extend: (app) => serveDashboard(app, o.dashboardDirectory),
  });
  // Heartbeats, 1,000 a second at 10,000 peers, skip express (heartbeat-route.ts).
  const heartbeat = heartbeatRoute(o.service, o.logger);
  const admit = (address: string) => o.service.admitRegistration(address);
  const listener: RequestListener = (req, res) => {
    if (!heartbeat(req, res) && !refuseRegistrationFlood(admit, req, res)) app(req, res);
  };
  // Peers heartbeat on kept-alive connections. A deep accept queue: peers (re)connect in crowds,
  // after an index restart for one, and SYNs dropped from a full queue are retried only 1, 3, 7 s later.
  const guard = new ConnectionGuard(o.limits, (req) => o.access.isLocalUpgrade(req), o.logger);
  return listenWithEvents(listener, o.bus, { port: o.port, host: o.host, keepAliveTimeoutMs: 65_000, backlog: 4096, socketLimits: INDEX_SOCKET_LIMITS, guard, ...(o.tls ? { tls: o.tls } : {}) });
}
