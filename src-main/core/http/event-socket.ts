// The node's WebSocket (/ws): bus events go to clients as {type, data, timestamp}. The local
// user's sockets get every event whole; other sockets get the audience's public view of it
// (public-view.ts), or nothing.
// Shares the HTTP port (ws in noServer mode). A client too slow to keep up is dropped rather
// than buffered without bound, and strangers' sockets are capped per address and in all, so
// clients that never read cannot make the node hold their events (the local user's are not).
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ShoalError } from '../../../src-shared/errors.js';
import type { BusEvent } from '../events/event-bus.js';
import { plainAddress } from '../net/remote-address.js';

const PING_INTERVAL_MS = 30_000;

export interface SocketLimits {
  /** Strangers' sockets at once, from all addresses. */
  maxSockets: number;
  /** Strangers' sockets at once from one address. */
  maxSocketsPerAddress: number;
  /** Bytes waiting in the node for one socket (beyond what the kernel holds) before it is dropped. */
  maxBufferedBytes: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = { maxSockets: 256, maxSocketsPerAddress: 16, maxBufferedBytes: 1024 * 1024 };

export interface EventSocket {
  close(): Promise<void>;
}

export interface Audience<M> {
  /** Whether this upgrade may open a socket at all (e.g. not from another origin's page). */
  admits(req: IncomingMessage): boolean;
  isLocalUser(req: IncomingMessage): boolean;
  /** What a socket not opened by the local user gets of an event; undefined: nothing. */
  publicView(event: BusEvent<M>): BusEvent<M> | undefined;
}

export function attachEventSocket<M>(
  server: Server, bus: { subscribe(listener: (event: BusEvent<M>) => void): () => void }, audience?: Audience<M>, path = '/ws',
  limits: SocketLimits = DEFAULT_SOCKET_LIMITS,
): EventSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const alive = new WeakSet<WebSocket>();
  const local = new WeakSet<WebSocket>();
  const perAddress = new Map<string, number>();
  let strangers = 0;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (socket.destroyed || socket.writableEnded) return; // already refused (connection-guard.ts: blocked network or device)
    const url = new URL(req.url ?? '/', 'http://node');
    if (url.pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (audience && !audience.admits(req)) {
      refuseWithError(socket, new ShoalError('ORIGIN_NOT_ALLOWED'));
      return;
    }
    const isLocal = audience?.isLocalUser(req) ?? false;
    const address = plainAddress(req.socket.remoteAddress ?? '');
    if (!isLocal) {
      const fromAddress = perAddress.get(address) ?? 0;
      if (strangers >= limits.maxSockets || fromAddress >= limits.maxSocketsPerAddress) {
        refuseWithError(socket, new ShoalError('SERVICE_UNAVAILABLE', 'Too many event sockets are open; close one and try again.'));
        return;
      }
      strangers++;
      perAddress.set(address, fromAddress + 1);
      // Counted from the upgrade, not the open: a handshake in progress holds its place.
      socket.once('close', () => {
        strangers--;
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (isLocal) local.add(ws);
      wss.emit('connection', ws, req);
    });
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', () => undefined); // clients only listen; nothing they send changes anything
  });

  const unsubscribe = bus.subscribe((event) => {
    // Serialised at most twice per event (whole, public), not once per socket.
    let whole: string | undefined;
    let open: string | null | undefined;
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      let message: string | null;
      if (!audience || local.has(ws)) message = whole ??= JSON.stringify(event);
      else {
        if (open === undefined) {
          const view = audience.publicView(event);
          open = view ? JSON.stringify(view) : null;
        }
        message = open;
      }
      if (message === null) continue;
      // bufferedAmount counts only what the kernel would not take: a reader that keeps up stays near 0.
      if (ws.bufferedAmount > limits.maxBufferedBytes) ws.terminate();
      else ws.send(message);
    }
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  return {
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(pinger);
        unsubscribe();
        server.off('upgrade', onUpgrade);
        for (const ws of wss.clients) ws.close(1001, 'node stopping');
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

/**
 * Answers a connection that HTTP cannot go on with (an upgrade refused here, or before this sees
 * it: connection-guard.ts, plain-http.ts; a request the parser refused: client-error.ts) with a
 * catalogue error, then closes it. Destroyed once the answer is out: the server allows half-open
 * sockets, so a client that never closes its side would otherwise hold it until a timeout.
 */
export function refuseWithError(socket: Duplex, error: ShoalError): void {
  const body = JSON.stringify(error.toBody());
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`, () => socket.destroy());
}
