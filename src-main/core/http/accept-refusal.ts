// Refuses a connection at accept: before the TLS sniff (tls-sniff.ts), a handshake or an HTTP
// parse, a socket whose address the connection guard says is far over its limits is refused and
// nothing else ever sees it. It costs the node an accept and a reset, where a refusal in HTTP
// costs a parse, a timer and an answer (`npm run bench -- abuse`).
// A refused socket is not reset at once but held, unanswered, for a moment (a tarpit): a client that
// connects again the instant it is closed would otherwise make the node accept and close
// thousands of sockets a second, each one a turn of the event loop the local user waits behind.
// Held, each retrying client costs one accept per hold. The hold is bounded: past its size a
// refused socket is reset at once, as before. A held socket is paused, so Node reads at most one
// stream buffer from it (16 KiB on Node 20, 64 KiB on 22) and nothing is parsed: at most ~64 MiB
// and 1,024 descriptors per port.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused socket is held, unanswered, before it is reset. */
const HOLD_MS = 1_000;
/** Refused sockets held at once, at most (each is a file descriptor); past it, a refusal is reset at once. */
const MAX_HELD = 1_024;
/** How often held sockets are looked at: one timer for all of them, not one each. */
const SWEEP_MS = 250;

export interface AcceptRefusal {
  /** Resets every held socket (the server is closing: they would hold its close back). */
  close(): void;
}

/** Wraps every 'connection' listener of `server` behind `refuses`. Call after all of them are on (the TLS sniffer's too). */
export function refuseAtAccept(server: Server, refuses: (remoteAddress: string | undefined) => boolean): AcceptRefusal {
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  const held = new RefusalHold();
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (refuses(socket.remoteAddress)) {
      held.add(socket);
      return;
    }
    for (const listener of listeners) listener.call(server, socket);
  });
  return { close: () => held.close() };
}

/** Refused sockets waiting out their hold, oldest first. */
class RefusalHold {
  private readonly held: { socket: Socket; until: number }[] = [];
  private sweeper: NodeJS.Timeout | undefined;

  add(socket: Socket): void {
    socket.on('error', () => undefined); // the client resetting first is no news
    if (this.held.length >= MAX_HELD) {
      socket.resetAndDestroy();
      return;
    }
    socket.pause();
    this.held.push({ socket, until: Date.now() + HOLD_MS });
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  close(): void {
    this.sweep(Infinity);
  }

  private sweep(now = Date.now()): void {
    let ended = 0;
    while (ended < this.held.length && (this.held[ended] as { until: number }).until <= now) ended++;
    for (const { socket } of this.held.splice(0, ended)) socket.resetAndDestroy();
    if (this.held.length === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
