// The index port: its own express app (the seed's super-peer endpoints), OpenAPI and /ws.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { IndexEventMap } from '../../../src-shared/api/index-events.js';
import { indexRoutes } from '../../../src-shared/api/index-routes.js';
import type { EventBus } from '../events/event-bus.js';
import type { ControlAccess } from '../http/control-access.js';
import { errorHandler, notFoundHandler } from '../http/error-handler.js';
import { attachEventSocket } from '../http/event-socket.js';
import { buildOpenApi } from '../http/openapi.js';
import { registerRoutes } from '../http/route-registry.js';
import { indexHandlers } from './index-handlers.js';
import type { IndexService } from './index-service.js';

export interface IndexServer {
  port: number;
  close(): Promise<void>;
}

/** Registrations carry up to 5,000 files of metadata. */
const MAX_JSON_BODY = '8mb';

export async function startIndexServer(o: {
  service: IndexService;
  bus: EventBus<IndexEventMap>;
  access: ControlAccess;
  logger: Logger;
  version: string;
  name: () => string;
  port: number;
  host: string;
}): Promise<IndexServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use(express.json({ limit: MAX_JSON_BODY, strict: true }));
  const openApi = buildOpenApi({ title: 'Shoal index API', version: o.version, description: 'What a Shoal index server (super-peer) serves on its index port.' }, [indexRoutes]);
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  const router = express.Router();
  registerRoutes(router, indexRoutes, indexHandlers(o.service, o.name), o.access);
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(o.logger));

  const server: Server = createServer(app);
  server.keepAliveTimeout = 65_000; // peers heartbeat on kept-alive connections
  const events = attachEventSocket(server, o.bus);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await events.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
