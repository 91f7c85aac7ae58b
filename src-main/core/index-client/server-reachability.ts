// Whether each known index server answers, for the user: the one a peer is registered with says
// so by every heartbeat, but the others (standby, added by hand, found on the LAN) would show
// "standby" even with nothing listening. So they are asked (`GET /api/v1/stats`, cheap) now and
// then, and every attempt, the client's own included, is noted with its time and error.

export interface ReachabilityView {
  /** null: not tried yet. */
  reachable: boolean | null;
  lastError: string | null;
  lastTriedAt: string | null;
}

interface Attempt {
  ok: boolean;
  error: string | null;
  at: number;
}

export interface ServerReachabilityOptions {
  /** The addresses to ask: the known servers, less the one the peer is registered with. */
  toProbe(): string[];
  /** Resolves when the server answers as an index server, throws with the reason otherwise. */
  probe(address: string): Promise<unknown>;
  everyMs: number;
  now(): number;
}

/** Known servers are few (a hand-added list is capped): this bounds memory against a churning LAN. */
const MAX_REMEMBERED = 256;

export class ServerReachability {
  private readonly attempts = new Map<string, Attempt>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;

  constructor(private readonly o: ServerReachabilityOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probeAll(), this.o.everyMs);
    this.timer.unref();
    void this.probeAll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  note(address: string, ok: boolean, error: string | null = null): void {
    this.attempts.delete(address); // re-inserted last: the map's order is oldest first
    this.attempts.set(address, { ok, error: ok ? null : error, at: this.o.now() });
    if (this.attempts.size > MAX_REMEMBERED) this.attempts.delete(this.attempts.keys().next().value as string);
  }

  view(address: string): ReachabilityView {
    const a = this.attempts.get(address);
    return a ? { reachable: a.ok, lastError: a.error, lastTriedAt: new Date(a.at).toISOString() } : { reachable: null, lastError: null, lastTriedAt: null };
  }

  /** Asks every server to probe once (one round at a time); resolves when all answered or failed. */
  probeAll(): Promise<void> {
    this.round ??= (async () => {
      try {
        await Promise.all(this.o.toProbe().map(async (address) => {
          try {
            await this.o.probe(address);
            this.note(address, true);
          } catch (err) {
            this.note(address, false, err instanceof Error ? err.message : String(err));
          }
        }));
      } finally {
        this.round = undefined;
      }
    })();
    return this.round;
  }
}
