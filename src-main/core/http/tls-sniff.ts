// One port, two protocols: a connection whose first byte is 0x16 (a TLS handshake record) is TLS,
// anything else is plain HTTP. So users open one port per service; curl, aria2c, BitTorrent web
// seeds and the local UI keep plain HTTP while nodes talk TLS. The HTTP server still listens and
// parses both: a TLS connection reaches its 'connection' listeners (the HTTP parser, the
// connection guard) as the decrypted TLSSocket once the handshake is done, a plain one as itself.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';

const TLS_HANDSHAKE_RECORD = 0x16;
/** A connection that sends nothing for this long is closed before it costs more. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;

export interface TlsSniffer {
  /** Connections the HTTP server may not know: still deciding, or TLS (handshaking or not). */
  readonly pending: number;
  /** Closes those: the HTTP server closes the rest. */
  close(): void;
}

/** Makes `server` accept TLS on its port too, with `options` (NodeTls.serverOptions). Call after every 'connection' listener is on. */
export function acceptTlsToo(server: Server, options: tls.TlsOptions): TlsSniffer {
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const handOver = (socket: Socket) => {
    for (const listener of listeners) listener.call(server, socket);
  };
  const pending = new Set<Socket>();
  const tlsServer = tls.createServer(options);
  tlsServer.on('secureConnection', (socket: tls.TLSSocket) => handOver(socket));
  tlsServer.on('tlsClientError', (_err, socket) => socket.destroy());
  server.on('connection', (socket: Socket) => {
    pending.add(socket);
    const onTimeout = () => socket.destroy();
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS);
    socket.once('timeout', onTimeout);
    const onClose = () => pending.delete(socket);
    socket.once('close', onClose);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      // Handed over with no trace of this: the HTTP server sets its own timeouts.
      socket.setTimeout(0);
      socket.off('timeout', onTimeout);
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        // The TLS socket takes this one over. The HTTP server knows only that TLS socket, and only
        // once its handshake is done: the raw socket stays here until it closes, so closing the
        // port never waits on a handshake in progress (it would wait for its 10 s timeout).
        tlsServer.emit('connection', socket);
        return;
      }
      pending.delete(socket);
      socket.off('close', onClose);
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
