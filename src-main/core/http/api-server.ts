// What the peer port and the index port share: an express app built from a declared route table
// (validation, OpenAPI document, catalogue errors) and an HTTP server with the event WebSocket.
import express from 'express';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { RouteSpec } from '../../../src-shared/api/peer-routes.js';
import type { BusEvent } from '../events/event-bus.js';
import type { ConnectionGuard } from './connection-guard.js';
import type { ControlAccess } from './control-access.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { attachEventSocket, type Audience, type SocketLimits } from './event-socket.js';
import { buildOpenApi, type OpenApiInfo } from './openapi.js';
import { registerRoutes, type RouteHandlers } from './route-registry.js';
import { acceptTlsToo } from './tls-sniff.js';
import { answerClientErrors } from './client-error.js';
import { refuseAtAccept } from './accept-refusal.js';
import { refusePlain, refusePlainUpgrade, type PlainHttpPolicy } from './plain-http.js';

export interface ApiAppOptions<T extends Record<string, RouteSpec>> {
  routes: T;
  handlers: RouteHandlers<T>;
  access: ControlAccess;
  logger: Logger;
  openApi: OpenApiInfo;
  jsonLimit: string;
  /** Extra routes after the API's (e.g. the peer's `/` page). */
  extend?: (app: express.Express) => void;
}

export function createApiApp<T extends Record<string, RouteSpec>>(o: ApiAppOptions<T>): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // downloads set their own (the file id); JSON answers are live data
  // Built on first request: converting every route's schemas took ~0.1 s of each node's start,
  // for a document few ever ask for.
  let openApi: ReturnType<typeof buildOpenApi> | undefined;
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json((openApi ??= buildOpenApi(o.openApi, [o.routes])));
  });
  const router = express.Router();
  registerRoutes(router, o.routes, o.handlers, o.access, o.jsonLimit);
  app.use(router);
  o.extend?.(app);
  app.use(notFoundHandler);
  app.use(errorHandler(o.logger));
  return app;
}

export interface ListeningServer {
  server: Server;
  port: number;
  /** Closes the WebSocket, then every connection (transfers in progress are cut). */
  close(): Promise<void>;
}

export async function listenWithEvents<M>(
  app: RequestListener,
  bus: { subscribe(listener: (event: BusEvent<M>) => void): () => void },
  options: {
    port: number; host: string; keepAliveTimeoutMs: number; audience?: Audience<M>; backlog?: number; socketLimits?: SocketLimits; guard?: ConnectionGuard;
    /** TLS on the same port (the node certificate), and who may still use plain HTTP. */
    tls?: { options: TlsOptions; plain: PlainHttpPolicy };
  },
): Promise<ListeningServer> {
  const served = options.tls ? refusePlain(options.tls.plain, app) : app;
  const server = createServer(options.guard ? options.guard.wrap(served) : served);
  options.guard?.watch(server);
  answerClientErrors(server);
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  const plain = options.tls?.plain;
  if (plain) server.on('upgrade', (req: IncomingMessage, socket: Duplex) => refusePlainUpgrade(plain, req, socket));
  const events = attachEventSocket(server, bus, options.audience, '/ws', options.socketLimits);
  // It takes over the 'connection' listeners put on so far.
  const sniffer = options.tls ? acceptTlsToo(server, options.tls.options) : undefined;
  // Last of all: an address far over its limits is refused before even the sniff.
  const guard = options.guard;
  const refusal = guard ? refuseAtAccept(server, (address) => guard.refusesAtAccept(address)) : undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: options.port, host: options.host, backlog: options.backlog }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await events.close();
    throw err;
  }
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await events.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sniffer?.close();
      refusal?.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
