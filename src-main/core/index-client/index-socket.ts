// Listens to an index server's /ws for the one event a peer acts on: `index_stopping` (the index
// role is being turned off), so the peer moves to another index server at once. Never throws:
// a socket that fails or closes is simply reported closed and opened again later.
import WebSocket from 'ws';
import type { Duplex } from 'node:stream';
import type { NodeDialer } from '../net/node-dialer.js';

export interface IndexSocket {
  readonly open: boolean;
  close(): void;
}

const HANDSHAKE_TIMEOUT_MS = 5_000;
/** The index sends every network event; a peer reads only small envelopes. */
const MAX_PAYLOAD = 1024 * 1024;

/**
 * With encryption on (`dialer.tls`), the socket runs over TLS to the id the index proved when this
 * node registered. `onLost`: an open socket closed by the other side (the index went away without
 * saying so, or its connection broke): a sign to ask it at once rather than at the next heartbeat.
 */
export function watchIndexEvents(address: string, dialer: NodeDialer | undefined, onEvent: (type: string, data: unknown) => void, onLost?: () => void): IndexSocket {
  let closed = false;
  let opened = false;
  const tls = dialer?.tls;
  let createConnection: (() => Duplex) | undefined;
  if (tls) {
    const url = new URL(`http://${address}`);
    // Never unpinned: the socket is opened after a registration, which pinned the index.
    const { socket, verified } = tls.connect({ host: url.hostname, port: Number(url.port || 80), expect: dialer.pinned(address) ?? '(not pinned)' });
    // ws writes the upgrade request at once: hold the socket back until the index proved its key.
    socket.cork();
    verified.then(() => socket.uncork(), () => undefined);
    createConnection = () => socket;
  }
  const ws = new WebSocket(`ws://${address}/ws`, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS, maxPayload: MAX_PAYLOAD, ...(createConnection ? { createConnection } : {}) });
  ws.on('error', () => undefined); // 'close' follows; the client opens a new socket at its next heartbeat
  ws.on('open', () => {
    opened = true;
  });
  ws.on('close', () => {
    if (closed) return; // closed by us
    closed = true;
    if (opened) onLost?.(); // once per socket, and only one that had opened: never a loop of retries
  });
  ws.on('message', (raw) => {
    let event: unknown;
    try {
      event = JSON.parse(raw.toString());
    } catch {
      return;
    }
    if (!event || typeof event !== 'object') return;
    const { type, data } = event as { type?: unknown; data?: unknown };
    if (typeof type === 'string') onEvent(type, data);
  });
  return {
    get open() {
      return !closed;
    },
    close() {
      closed = true;
      ws.removeAllListeners('message');
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.terminate();
    },
  };
}
