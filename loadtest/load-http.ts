// The load generator's HTTP: keep-alive agents shaped like a crowd of real peers, and a bounded pool.
import { Agent, request } from 'node:http';

export interface Answer {
  status: number;
  body: string;
}

export class LoadHttp {
  /** Registrations and searches. */
  readonly agent: Agent;
  /**
   * Heartbeats have connections of their own, many of them, as 10,000 real peers have: while
   * registrations keep an index busy a heartbeat waits about a second for its turn, so 32 in flight
   * would carry 32 a second and peers would go offline for want of heartbeats the generator never
   * sent. maxFreeSockets as high as maxSockets: real peers keep their connection. With Node's
   * default of 256, the agent closed every idle socket beyond 256 after each burst and reopened
   * hundreds at once on the next, more than the index's accept queue took (dropped SYNs, retried
   * 1, 3, 7 s later). And 'fifo': every connection is used in turn, as each real peer uses its own
   * every interval; with 'lifo' the least used sat idle past the index's keep-alive timeout, which
   * closed them, and a heartbeat sent on one as it closed got ECONNRESET.
   */
  readonly heartbeatAgent: Agent;
  /** Connections the heartbeat agent opened: they should be opened once, then kept. */
  heartbeatConnections = 0;
  private readonly opened = new WeakSet<object>();

  constructor(concurrency: number, readonly heartbeatsInFlight: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    this.heartbeatAgent = new Agent({ keepAlive: true, maxSockets: heartbeatsInFlight, maxFreeSockets: heartbeatsInFlight, scheduling: 'fifo' });
  }

  call(port: number, method: string, path: string, body?: unknown, token?: string, via = this.agent): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = {};
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      if (token) headers.authorization = `Bearer ${token}`;
      const req = request({ host: '127.0.0.1', port, method, path, headers, agent: via }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (via === this.heartbeatAgent) {
        req.on('socket', (socket) => {
          if (this.opened.has(socket)) return;
          this.opened.add(socket);
          this.heartbeatConnections++;
        });
      }
      req.end(payload);
    });
  }

  destroy(): void {
    this.agent.destroy();
    this.heartbeatAgent.destroy();
  }
}

/** Runs `task(i)` for i in [0, count) with `concurrency` in flight. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await task(next++);
  }));
}
