// Refuses a connection at accept: before the TLS sniff (tls-sniff.ts), a handshake or an HTTP
// parse, a socket whose address the connection guard says is far over its limits is destroyed
// and nothing else ever sees it. It costs the node an accept and a close, where a refusal in HTTP
// costs a parse, a timer and an answer (`npm run bench -- abuse`).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Wraps every 'connection' listener of `server` behind `refuses`. Call after all of them are on (the TLS sniffer's too). */
export function refuseAtAccept(server: Server, refuses: (remoteAddress: string | undefined) => boolean): void {
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (refuses(socket.remoteAddress)) {
      socket.destroy();
      return;
    }
    for (const listener of listeners) listener.call(server, socket);
  });
}
