// Every registered peer heartbeats every interval from its registration on, to the index server
// it is registered with, as real peers do (a FIFO of due times: all peers share one interval, so
// the queue stays in order). A peer whose index server is gone (connection refused or reset) is
// handed to `lost`, as a real peer's index client fails over; it beats again once `add`ed back.
import type { LoadHttp } from './load-http.js';
import type { SimPeer } from './sim-peers.js';

export interface Heartbeats {
  add(peer: SimPeer): void;
  resetCounts(): void;
  counts(): { ok: number; failed: string };
  stop(): Promise<void>;
}

const SERVER_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

export function startHeartbeats(http: LoadHttp, intervalMs: number, portOf: (peer: SimPeer) => number, lost: (peer: SimPeer) => void): Heartbeats {
  /** `server`: where the peer was registered when queued; an entry from before a move is dropped. */
  let queue: { peer: SimPeer; at: number; server: number }[] = [];
  let head = 0;
  let ok = 0;
  let failed = 0;
  let stopped = false;
  const reasons = new Map<string, number>();
  const fail = (why: string) => {
    failed++;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  };
  // A counter and one waiter, not Promise.race over a thousand promises (quadratic, and it leaks reactions).
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const beat = (peer: SimPeer) => {
    const server = peer.server;
    inFlight++;
    void http.call(portOf(peer), 'POST', '/api/v1/peers/heartbeat', { peerId: peer.id, activeUploads: 0, freeUploadSlots: 4 }, peer.token, http.heartbeatAgent).then((r) => {
      if (r.status === 200) ok++;
      else fail(String(r.status));
    }, (err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (SERVER_GONE.has(code) && peer.server === server && !peer.moving) {
        fail(`${code} (its index server is gone)`);
        peer.moving = true;
        lost(peer);
      } else fail(code);
    }).finally(() => {
      inFlight--;
      slotFreed?.();
    });
  };
  const loop = (async () => {
    while (!stopped) {
      const next = queue[head];
      if (!next || next.at > Date.now()) {
        await new Promise((r) => setTimeout(r, next ? Math.min(20, Math.max(1, next.at - Date.now())) : 20));
        continue;
      }
      head++;
      if (head > 50_000) {
        queue = queue.slice(head);
        head = 0;
      }
      if (next.peer.moving || next.peer.server !== next.server) continue; // add() puts it back once registered again
      queue.push({ peer: next.peer, at: Math.max(next.at + intervalMs, Date.now()), server: next.server });
      beat(next.peer);
      while (inFlight >= http.heartbeatsInFlight) await new Promise<void>((r) => (slotFreed = r));
    }
    while (inFlight > 0) await new Promise<void>((r) => (slotFreed = r));
  })();
  return {
    add: (peer) => void queue.push({ peer, at: Date.now() + intervalMs, server: peer.server }),
    resetCounts: () => {
      ok = 0;
      failed = 0;
      reasons.clear();
    },
    counts: () => ({ ok, failed: failed === 0 ? '0 failed' : `${failed} failed: ${[...reasons].map(([k, v]) => `${k} x${v}`).join(', ')}` }),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
