// Which index server to use: the first of the preference list (configured, then discovered) that
// is not "away". A server that failed `failoverAfter` times in a row, or announced it is stopping,
// is away for a while; the peer comes back to it when that time is over and it answers again.

/** Configured (config file, flag), added by hand at runtime, found on the LAN, or this node's own index role. */
export type IndexServerSource = 'configured' | 'added' | 'discovered' | 'self';
export interface IndexServerRef {
  address: string;
  source: IndexServerSource;
}

interface Health {
  failures: number;
  awayUntil: number;
  lastError: string | null;
}

export class ServerChoice {
  private readonly health = new Map<string, Health>();

  constructor(private readonly o: { failoverAfter: number; awayMs: number; now: () => number }) {}

  /** The list in preference order, one entry per address ('host:port' strings count as configured). */
  static normalise(list: readonly (string | IndexServerRef)[]): IndexServerRef[] {
    const seen = new Set<string>();
    const out: IndexServerRef[] = [];
    for (const item of list) {
      const ref = typeof item === 'string' ? { address: item, source: 'configured' as const } : item;
      const address = ref.address.trim();
      if (!address || seen.has(address)) continue;
      seen.add(address);
      out.push({ address, source: ref.source });
    }
    return out;
  }

  /** The first server that is not away; when all are, the one back soonest. */
  pick(list: IndexServerRef[]): IndexServerRef | undefined {
    const now = this.o.now();
    let soonest: IndexServerRef | undefined;
    let soonestAt = Infinity;
    for (const ref of list) {
      const awayUntil = this.health.get(ref.address)?.awayUntil ?? 0;
      if (awayUntil <= now) return ref;
      if (awayUntil < soonestAt) {
        soonest = ref;
        soonestAt = awayUntil;
      }
    }
    return soonest;
  }

  /** Servers before `current` in the list whose away time is over: worth trying again. */
  preferredOver(list: IndexServerRef[], current: string): IndexServerRef[] {
    const now = this.o.now();
    const out: IndexServerRef[] = [];
    for (const ref of list) {
      if (ref.address === current) break;
      if ((this.health.get(ref.address)?.awayUntil ?? 0) <= now) out.push(ref);
    }
    return out;
  }

  isAway(address: string): boolean {
    return (this.health.get(address)?.awayUntil ?? 0) > this.o.now();
  }

  failures(address: string): number {
    return this.health.get(address)?.failures ?? 0;
  }

  succeeded(address: string): void {
    this.health.set(address, { failures: 0, awayUntil: 0, lastError: null });
  }

  /** Counts a failure; returns true when the server is now away (time to try the next one). */
  failed(address: string, error: string): boolean {
    const h = this.entry(address);
    h.failures++;
    h.lastError = error;
    if (h.failures < this.o.failoverAfter) return false;
    h.failures = 0;
    h.awayUntil = this.o.now() + this.o.awayMs;
    return true;
  }

  /** Away now, whatever its count (it is stopping, or a probe found it still gone). */
  away(address: string, error?: string): void {
    const h = this.entry(address);
    h.failures = 0;
    h.awayUntil = this.o.now() + this.o.awayMs;
    if (error) h.lastError = error;
  }

  /** Forgets servers no longer in the list. */
  prune(list: IndexServerRef[]): void {
    const keep = new Set(list.map((r) => r.address));
    for (const address of this.health.keys()) if (!keep.has(address)) this.health.delete(address);
  }

  private entry(address: string): Health {
    let h = this.health.get(address);
    if (!h) {
      h = { failures: 0, awayUntil: 0, lastError: null };
      this.health.set(address, h);
    }
    return h;
  }
}
