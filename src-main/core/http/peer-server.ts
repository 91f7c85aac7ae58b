// The peer port: the peer API (public + control), its OpenAPI document and the event WebSocket.
import type express from 'express';
import type { IncomingMessage } from 'node:http';
import type { TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { EventBus } from '../events/event-bus.js';
import { createApiApp, listenWithEvents, type ListeningServer } from './api-server.js';
import { ConnectionGuard, type ServingLimits } from './connection-guard.js';
import type { ControlAccess } from './control-access.js';
import { peerHandlers, type PeerHandlerDeps } from './peer-handlers.js';
import type { PlainHttpPolicy } from './plain-http.js';
import { publicEvent } from '../api/public-view.js';
import { serveRenderer } from './renderer-assets.js';

export interface PeerServerOptions extends PeerHandlerDeps {
  bus: EventBus;
  access: ControlAccess;
  logger: Logger;
  version: string;
  /** The built web UI; default out/renderer. */
  rendererDirectory?: string;
  /** What strangers may open and send on this port. */
  limits: ServingLimits;
  /** TLS on the peer port too (one port, sniffed: tls-sniff.ts), and who may still use plain HTTP. */
  tls?: { options: TlsOptions; plain: PlainHttpPolicy };
}

export type PeerServer = ListeningServer;

export function createPeerApp(o: PeerServerOptions): express.Express {
  return createApiApp({
    routes: peerRoutes,
    handlers: peerHandlers(o),
    access: o.access,
    logger: o.logger,
    openApi: { title: 'Shoal peer API', version: o.version, description: 'What a Shoal node serves on its peer port.' },
    jsonLimit: '64kb',
    extend: (app) => {
      // The UI holds the token once opened: a page under a rebound name must not get it to run.
      app.use((req, _res, next) => next(req.path.startsWith('/api/') || o.access.hostAllowed(req) ? undefined : new ShoalError('HOST_NOT_ALLOWED')));
      serveRenderer(app, o.rendererDirectory, (req) => o.access.rememberCookie(req));
    },
  });
}

export function startPeerServer(o: PeerServerOptions, port: number, host: string): Promise<PeerServer> {
  const audience = {
    admits: (req: IncomingMessage) => o.access.admitsSocket(req),
    isLocalUser: (req: IncomingMessage) => o.access.isLocalUpgrade(req),
    publicView: (event: Parameters<typeof publicEvent>[0]) => publicEvent(event, o.library),
  };
  const guard = new ConnectionGuard(o.limits, (req) => o.access.isLocalUpgrade(req), o.logger);
  return listenWithEvents(createPeerApp(o), o.bus, { port, host, keepAliveTimeoutMs: 10_000, audience, guard, ...(o.tls ? { tls: o.tls } : {}) }).catch((err: unknown) => {
    // The same plain sentence as a busy index port (index-role.ts), not `listen EADDRINUSE`.
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ShoalError('PORT_IN_USE', `The peer port ${port} is already in use by another program (another Shoal?). Choose another with --port (0 picks any free port).`);
    }
    throw err;
  });
}
