// The peer port: express app (public + control API, OpenAPI document) and the event WebSocket.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import type { EventBus } from '../events/event-bus.js';
import type { ControlAccess } from './control-access.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { attachEventSocket } from './event-socket.js';
import { buildOpenApi } from './openapi.js';
import { peerHandlers, type PeerHandlerDeps } from './peer-handlers.js';
import { registerRoutes } from './route-registry.js';

export interface PeerServerOptions extends PeerHandlerDeps {
  bus: EventBus;
  access: ControlAccess;
  logger: Logger;
  version: string;
}

export interface PeerServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const MAX_JSON_BODY = '64kb';

export function createPeerApp(o: PeerServerOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // downloads set their own (the file id); JSON answers are live data
  app.use(express.json({ limit: MAX_JSON_BODY, strict: true }));

  const openApi = buildOpenApi(
    { title: 'Shoal peer API', version: o.version, description: 'What a Shoal node serves on its peer port.' },
    [peerRoutes],
  );
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  const router = express.Router();
  registerRoutes(router, peerRoutes, peerHandlers(o), o.access);
  app.use(router);
  app.get('/', (_req, res) => {
    res.type('text/plain').send('This is a Shoal node. Its API is described at /api/v1/openapi.json.\n');
  });
  app.use(notFoundHandler);
  app.use(errorHandler(o.logger));
  return app;
}

export async function startPeerServer(o: PeerServerOptions, port: number, host: string): Promise<PeerServer> {
  const server = createServer(createPeerApp(o));
  server.keepAliveTimeout = 10_000;
  const events = attachEventSocket(server, o.bus);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await events.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Transfers in progress are cut: a downloader resumes them from another source or later.
      server.closeAllConnections();
      await closed;
    },
  };
}
