// One port, two protocols: a connection whose first byte is 0x16 (a TLS handshake record) is TLS,
// anything else is plain HTTP. So users open one port per service; curl, aria2c, BitTorrent web
// seeds and the local UI keep plain HTTP while nodes talk TLS. The HTTP server still listens and
// parses both: a TLS connection reaches its 'connection' listeners (the HTTP parser, the
// connection guard) as the decrypted TLSSocket once the handshake is done, a plain one as itself.
// Until then (waiting for its first byte, or handshaking) a connection is only this file's, so it
// is capped here, in all and per address: past either cap a new connection is closed at once.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { guardOf } from './connection-guard.js';
import { plainAddress } from '../net/remote-address.js';

const TLS_HANDSHAKE_RECORD = 0x16;
/** A connection that sends nothing for this long is closed before it costs more. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;

/** Connections not yet handed over (no first byte yet, or handshaking) that may wait at once. */
export interface UndecidedLimits {
  max: number;
  perAddress: number;
}

/**
 * The caps unless the caller gives its own: the connection guard's limits (connection-guard.ts),
 * but never below these floors. A burst of honest connections (a downloader's, a NAT's, a test's
 * from loopback) waits a moment for its first byte, and the guard answers the ones past its
 * limits with a 429 or 503 that a close here would turn into a reset.
 */
const MIN_UNDECIDED: UndecidedLimits = { max: 1024, perAddress: 64 };

export interface TlsSniffer {
  /** Connections the HTTP server may not know: still deciding, or TLS (handshaking or not). */
  readonly pending: number;
  /** Closes those: the HTTP server closes the rest. */
  close(): void;
}

function undecidedLimitsOf(server: Server): UndecidedLimits {
  const guard = guardOf(server)?.connectionLimits;
  return {
    max: Math.max(MIN_UNDECIDED.max, guard?.maxConnections ?? 0),
    perAddress: Math.max(MIN_UNDECIDED.perAddress, guard?.maxConnectionsPerAddress ?? 0),
  };
}

/**
 * Makes `server` accept TLS on its port too, with `options` (NodeTls.serverOptions). Call after
 * every 'connection' listener (and the connection guard's watch) is on.
 */
export function acceptTlsToo(server: Server, options: tls.TlsOptions, limits?: UndecidedLimits): TlsSniffer {
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const handOver = (socket: Socket) => {
    for (const listener of listeners) listener.call(server, socket);
  };
  const pending = new Set<Socket>();
  const undecided = new Map<string, number>();
  let undecidedTotal = 0;
  /** Handshaking connections by remote address and port: their TLS socket settles them. */
  const handshaking = new Map<string, () => void>();
  const tlsServer = tls.createServer(options);
  tlsServer.on('secureConnection', (socket: tls.TLSSocket) => {
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    handshaking.get(key)?.();
    handOver(socket);
  });
  tlsServer.on('tlsClientError', (_err, socket) => socket.destroy());
  server.on('connection', (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress ?? 'unknown');
    const cap = limits ?? undecidedLimitsOf(server);
    const fromAddress = undecided.get(address) ?? 0;
    if (undecidedTotal >= cap.max || fromAddress >= cap.perAddress) {
      socket.destroy();
      return;
    }
    undecidedTotal++;
    undecided.set(address, fromAddress + 1);
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      handshaking.delete(key);
      undecidedTotal--;
      const left = (undecided.get(address) ?? 1) - 1;
      if (left > 0) undecided.set(address, left);
      else undecided.delete(address);
    };
    pending.add(socket);
    const onTimeout = () => socket.destroy();
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS);
    socket.once('timeout', onTimeout);
    const onClose = () => {
      pending.delete(socket);
      settle();
    };
    socket.once('close', onClose);
    // Ended before its first byte: no request can follow (the HTTP server allows half-open
    // sockets, so without this it would wait for the timeout).
    socket.once('end', onTimeout);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      // Handed over with no trace of this: the HTTP server sets its own timeouts.
      socket.setTimeout(0);
      socket.off('timeout', onTimeout);
      socket.off('end', onTimeout);
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        // The TLS socket takes this one over. The HTTP server knows only that TLS socket, and only
        // once its handshake is done: the raw socket stays here until it closes, so closing the
        // port never waits on a handshake in progress (it would wait for its 10 s timeout).
        handshaking.set(key, settle);
        tlsServer.emit('connection', socket);
        return;
      }
      pending.delete(socket);
      socket.off('close', onClose);
      settle();
      handOver(socket);
      socket.resume();
    });
  });
  return {
    get pending() {
      return pending.size;
    },
    close() {
      for (const socket of pending) socket.destroy();
      pending.clear();
    },
  };
}
