// The devices this node has seen, by their node ids (public keys): each time one proves who it
// is (a download from this node over an authenticated connection, a signed registration at this
// node's index, a source this node downloaded from), with its name, address and the bytes moved.
// The user blocks or trusts one in Settings; a blocked device is refused on the peer and index ports.
// Traffic is counted in memory and written at most once a second (a download is many ranges).
import type { Device, DeviceState } from '../../../src-shared/api/access.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { Db } from '../store/database.js';
import { isDiskFull } from '../store/disk-full.js';

export interface Sighting {
  name?: string | null | undefined;
  address?: string | null | undefined;
  bytesSent?: number;
  bytesReceived?: number;
}

interface RawDevice {
  node_id: string; name: string | null; state: DeviceState; first_seen: number; last_seen: number;
  last_address: string | null; bytes_sent: number; bytes_received: number;
}

/** Devices kept at most: the least recently seen without a block or trust go first. */
const MAX_DEVICES = 10_000;
const FLUSH_MS = 1_000;
const MAX_NAME = 128;

export class Devices {
  private readonly s;
  /** Sightings not written yet, by node id. */
  private pending = new Map<string, Required<Sighting> & { at: number }>();
  /** Block states, read on every request: kept in memory. */
  private readonly blocked = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** After close() the database may be gone: a sighting then (an upload's last bytes, counted as its socket closes) is dropped. */
  private closed = false;

  /** `selfId`: this node's own id, never listed (its index client registers with its own index). */
  constructor(private readonly db: Db, private readonly selfId: string, private readonly now: () => number = Date.now) {
    this.s = {
      all: db.prepare<[], RawDevice>(`SELECT * FROM devices ORDER BY state = 'trusted' DESC, last_seen DESC`),
      get: db.prepare<[string], RawDevice>('SELECT * FROM devices WHERE node_id = ?'),
      upsert: db.prepare(`INSERT INTO devices (node_id, name, first_seen, last_seen, last_address, bytes_sent, bytes_received)
        VALUES (@id, @name, @at, @at, @address, @sent, @received)
        ON CONFLICT(node_id) DO UPDATE SET name = coalesce(excluded.name, name), last_seen = max(last_seen, excluded.last_seen),
          last_address = coalesce(excluded.last_address, last_address),
          bytes_sent = bytes_sent + excluded.bytes_sent, bytes_received = bytes_received + excluded.bytes_received`),
      setState: db.prepare(`INSERT INTO devices (node_id, state, first_seen, last_seen) VALUES (?, ?, ?, ?)
        ON CONFLICT(node_id) DO UPDATE SET state = excluded.state`),
      blocked: db.prepare<[], { node_id: string }>(`SELECT node_id FROM devices WHERE state = 'blocked'`),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM devices'),
      trim: db.prepare(`DELETE FROM devices WHERE node_id IN (SELECT node_id FROM devices WHERE state = 'none' ORDER BY last_seen LIMIT ?)`),
    };
    for (const row of this.s.blocked.all()) this.blocked.add(row.node_id);
  }

  /** Notes that `id` proved who it is now; bytes add up. */
  seen(id: string, what: Sighting = {}): void {
    if (id === this.selfId || this.closed) return;
    const entry = this.pending.get(id) ?? { name: null, address: null, bytesSent: 0, bytesReceived: 0, at: 0 };
    if (what.name) entry.name = what.name.slice(0, MAX_NAME);
    if (what.address) entry.address = what.address;
    entry.bytesSent += what.bytesSent ?? 0;
    entry.bytesReceived += what.bytesReceived ?? 0;
    entry.at = this.now();
    if (this.pending.size < MAX_DEVICES || this.pending.has(id)) this.pending.set(id, entry);
    this.schedule();
  }

  isBlocked(id: string | null | undefined): boolean {
    return !!id && this.blocked.has(id);
  }

  list(): Device[] {
    this.flush();
    return this.s.all.all().map(toDevice);
  }

  get(id: string): Device | undefined {
    this.flush();
    const row = this.s.get.get(id);
    return row && toDevice(row);
  }

  /** Blocks, trusts or clears a device; one never seen is added (the user may block an id given to them). */
  setState(id: string, state: DeviceState): Device {
    this.flush();
    const now = this.now();
    this.s.setState.run(id, state, now, now);
    if (state === 'blocked') this.blocked.add(id);
    else this.blocked.delete(id);
    const device = this.get(id);
    if (!device) throw new ShoalError('INTERNAL');
    return device;
  }

  /** Writes what was counted (also on close). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      this.db.transaction(() => {
        for (const [id, p] of batch) {
          this.s.upsert.run({ id, name: p.name, at: p.at, address: p.address, sent: p.bytesSent, received: p.bytesReceived });
        }
        const over = (this.s.count.get()?.n ?? 0) - MAX_DEVICES;
        if (over > 0) this.s.trim.run(over);
      })();
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      // A full disk is the user's to fix: the counts wait in memory (one entry per device) for the next try.
      for (const [id, p] of batch) this.merge(id, p);
      this.schedule();
    }
  }

  private merge(id: string, p: Required<Sighting> & { at: number }): void {
    const now = this.pending.get(id);
    if (!now) {
      if (this.pending.size < MAX_DEVICES) this.pending.set(id, p);
      return;
    }
    now.name ??= p.name;
    now.address ??= p.address;
    now.bytesSent += p.bytesSent;
    now.bytesReceived += p.bytesReceived;
    now.at = Math.max(now.at, p.at);
  }

  private schedule(): void {
    if (this.closed) return; // the database is closing: a later flush would find it closed
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  close(): void {
    // Closed first: a flush the full disk refuses must not schedule another after the database is gone.
    this.closed = true;
    this.flush();
  }
}

function toDevice(r: RawDevice): Device {
  return {
    id: r.node_id, name: r.name, state: r.state, firstSeen: new Date(r.first_seen).toISOString(), lastSeen: new Date(r.last_seen).toISOString(),
    lastAddress: r.last_address, bytesSent: r.bytes_sent, bytesReceived: r.bytes_received,
  };
}
