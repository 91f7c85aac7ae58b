// Connections to other nodes kept open between JSON calls, by address and the node id each
// proved in its TLS handshake ('' in plain HTTP). Calls to one node come in bursts (a federated search forwards to the
// same index servers query after query; a peer's heartbeat and its file updates go to one index),
// and a new connection costs a TLS handshake on both sides. Kept briefly and few: an idle one is
// closed before the other side's keep-alive timeout (5 s in Node, 10 s on Shoal's ports), so a
// call seldom finds it closed; when it does, the dialer tries once more on a new connection.
import type { Socket } from 'node:net';

/** An idle connection is closed after this long: below every Node server's keep-alive timeout. */
export const IDLE_CONNECTION_MS = 4_000;
/** Idle connections kept per address, and in all. */
export const MAX_IDLE_PER_ADDRESS = 4;
export const MAX_IDLE = 64;

interface Idle {
  socket: Socket;
  nodeId: string;
  timer: NodeJS.Timeout;
  forget: () => void;
}

export class IdleConnections {
  private readonly byAddress = new Map<string, Idle[]>();
  private count = 0;

  /** The most recently used idle connection to `address` whose node `accepts`, taken out of the pool. */
  take(address: string, accepts: (nodeId: string) => boolean): { socket: Socket; nodeId: string } | undefined {
    const list = this.byAddress.get(address);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const idle = list[i] as Idle;
      if (!accepts(idle.nodeId)) continue;
      this.remove(address, idle);
      if (idle.socket.destroyed || !idle.socket.writable) continue;
      idle.socket.ref();
      return { socket: idle.socket, nodeId: idle.nodeId };
    }
    return undefined;
  }

  /** Keeps a connection whose last answer was read in full; past the limits it is closed. */
  put(address: string, socket: Socket, nodeId: string): void {
    const list = this.byAddress.get(address) ?? [];
    if (socket.destroyed || list.length >= MAX_IDLE_PER_ADDRESS || this.count >= MAX_IDLE) {
      socket.destroy();
      return;
    }
    // While idle nothing may arrive: a close or an error from the other side drops it, and so does
    // anything it sends unasked (an answer nobody waits for is not read later by the next call).
    const drop = () => {
      this.remove(address, idle);
      socket.destroy();
    };
    const idle: Idle = {
      socket, nodeId,
      timer: setTimeout(drop, IDLE_CONNECTION_MS).unref(),
      forget: () => {
        socket.off('close', drop);
        socket.off('end', drop);
        socket.off('error', drop);
        socket.off('data', drop);
      },
    };
    socket.on('close', drop);
    socket.on('end', drop);
    socket.on('error', drop);
    socket.on('data', drop);
    socket.unref(); // an idle connection never keeps the process alive
    list.push(idle);
    this.byAddress.set(address, list);
    this.count++;
  }

  close(): void {
    for (const list of this.byAddress.values()) {
      for (const idle of list) {
        clearTimeout(idle.timer);
        idle.forget();
        idle.socket.destroy();
      }
    }
    this.byAddress.clear();
    this.count = 0;
  }

  private remove(address: string, idle: Idle): void {
    const list = this.byAddress.get(address);
    const at = list?.indexOf(idle) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.byAddress.delete(address);
    this.count--;
    clearTimeout(idle.timer);
    idle.forget();
  }
}
