// What this node serves: each upload (who fetches what, how fast), the totals, and the limits a
// new upload must pass: a maximum of concurrent uploads (a full node answers 503 with
// Retry-After), a share of them per remote address (so one address cannot take every slot), and a
// quota of bytes per remote peer per hour (429 with Retry-After). The local user's own fetches
// count against the total only.
// A downloader asks for a file in many range requests; the list shows one row per (downloader,
// file) for the whole transfer: a row outlives its last range by LINGER_MS, so the next range of
// the same downloader joins it instead of starting a new row.
import type { UploadView } from '../../../src-shared/api/transfers.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { SpeedMeter } from './speed-meter.js';
import { CoveredBytes } from './covered-bytes.js';

export interface UploadLimits {
  maxUploads: number;
  /** Uploads one remote peer (a proven device, else an address) may hold at once. */
  maxUploadsPerPeer: number;
  /** Bytes one remote peer (a proven device, else an address) may fetch per hour; 0 = unlimited. */
  uploadQuotaPerPeer: number;
}

export interface Upload {
  /** `bytes` more of the range starting at `start` left (a range's bytes leave in order). */
  sent(bytes: number): void;
  end(completed: boolean): void;
}

const QUOTA_WINDOW_MS = 3_600_000;
const FULL_RETRY_AFTER_S = 2;
/** How long a row waits for the downloader's next range before it ends. */
export const LINGER_MS = 5_000;
/** Rows kept at most: many addresses (an IPv6 block) in many short ranges must not grow the list without end. */
const MAX_ROWS = 256;

/** One range request being answered: what the slot limits count. */
interface ActiveUpload {
  id: number;
  /** Whose slots and quota it counts against (UploadRequest.account). */
  peer: string;
  /** The local user's own fetch: not counted against its address's share. */
  local: boolean;
}

/** One downloader fetching one file: a row of the list. */
interface UploadSession {
  id: number;
  key: string;
  fileId: string;
  name: string;
  address: string;
  peerId: string | null;
  size: number;
  bytes: number;
  covered: CoveredBytes;
  meter: SpeedMeter;
  startedAt: number;
  /** Range requests of this session being answered now. */
  open: number;
  expiry: NodeJS.Timeout | undefined;
  /** Its last range request came over TLS. */
  encrypted: boolean;
}

export interface UploadRequest {
  fileId: string;
  name: string;
  /** The file's size, and the first byte this request sends. */
  size: number;
  start: number;
  /** The downloader's address. */
  peer: string;
  /**
   * Whose slots and quota this counts against: `device:<node id>` when the downloader proved its
   * device (TLS client key), so one device is one peer from any address; its address otherwise.
   */
  account?: string;
  /** The node id the downloader proved (TLS client key); never one it only claimed (X-Shoal-Peer). */
  peerId?: string | null;
  local?: boolean;
  /** Asked over TLS. */
  encrypted?: boolean;
}

export class UploadTracker {
  served = 0;
  bytesSent = 0;
  private readonly current = new Map<number, ActiveUpload>();
  private readonly sessions = new Map<string, UploadSession>();
  private readonly quota = new Map<string, { since: number; bytes: number }>();
  private nextId = 1;

  constructor(private readonly limits: () => UploadLimits, private readonly onChange: () => void = () => undefined) {}

  get active(): number {
    return this.current.size;
  }

  get freeSlots(): number {
    return Math.max(0, this.limits().maxUploads - this.current.size);
  }

  /**
   * Admits an upload or throws the error to answer; `retryAfter` receives the seconds to put
   * in the Retry-After header.
   */
  begin(what: UploadRequest, retryAfter: (seconds: number) => void): Upload {
    const limits = this.limits();
    if (this.current.size >= limits.maxUploads) {
      retryAfter(FULL_RETRY_AFTER_S);
      throw new ShoalError('UPLOADS_FULL');
    }
    const local = what.local ?? false;
    const account = what.account ?? what.peer;
    if (!local && this.heldBy(account) >= limits.maxUploadsPerPeer) {
      retryAfter(FULL_RETRY_AFTER_S);
      throw new ShoalError('UPLOADS_FULL', 'You hold as many of this peer\u2019s upload slots as one address may; try again when one ends (see Retry-After).');
    }
    const now = Date.now();
    const used = this.usedQuota(account, now);
    if (limits.uploadQuotaPerPeer > 0 && used.bytes >= limits.uploadQuotaPerPeer) {
      retryAfter(Math.ceil((used.since + QUOTA_WINDOW_MS - now) / 1000));
      throw new ShoalError('UPLOAD_QUOTA_EXCEEDED');
    }
    const upload: ActiveUpload = { id: this.nextId++, peer: account, local };
    this.current.set(upload.id, upload);
    const session = this.sessionFor(what, now);
    session.open++;
    session.encrypted = what.encrypted ?? false;
    this.onChange();
    let ended = false;
    let position = what.start;
    return {
      sent: (bytes) => {
        this.bytesSent += bytes;
        session.bytes += bytes;
        session.covered.add(position, position + bytes);
        position += bytes;
        used.bytes += bytes;
        session.meter.add(bytes);
        this.onChange();
      },
      end: (completed) => {
        if (ended) return;
        ended = true;
        this.current.delete(upload.id);
        if (completed) this.served++;
        if (--session.open === 0) this.linger(session);
        this.onChange();
      },
    };
  }

  /** Stops the rows' timers (the node is closing). */
  close(): void {
    for (const s of this.sessions.values()) clearTimeout(s.expiry);
    this.sessions.clear();
  }

  list(): UploadView[] {
    return [...this.sessions.values()].map((u) => ({
      id: u.id, fileId: u.fileId, name: u.name, peer: u.peerId ?? u.address, address: u.address, peerId: u.peerId,
      bytes: u.bytes, progress: u.covered.bytes, size: u.size, speed: Math.round(u.meter.speed), active: u.open > 0,
      encrypted: u.encrypted, startedAt: new Date(u.startedAt).toISOString(),
    }));
  }

  /**
   * The row this request joins: the same downloader fetching the same file. A proven device is one
   * downloader from any address (the row shows the address it last came from); anyone else is its address.
   */
  private sessionFor(what: UploadRequest, now: number): UploadSession {
    const peerId = what.peerId ?? null;
    const key = `${peerId === null ? `address:${what.peer}` : `device:${peerId}`}\n${what.fileId}`;
    let session = this.sessions.get(key);
    if (session) {
      clearTimeout(session.expiry);
      session.expiry = undefined;
      session.address = what.peer;
      return session;
    }
    if (this.sessions.size >= MAX_ROWS) this.dropOldestIdle();
    session = {
      id: this.nextId++, key, fileId: what.fileId, name: what.name, address: what.peer, peerId, size: what.size,
      bytes: 0, covered: new CoveredBytes(), meter: new SpeedMeter(), startedAt: now, open: 0, expiry: undefined, encrypted: false,
    };
    this.sessions.set(key, session);
    return session;
  }

  private dropOldestIdle(): void {
    for (const s of this.sessions.values()) {
      if (s.open > 0) continue;
      clearTimeout(s.expiry);
      this.sessions.delete(s.key);
      return;
    }
  }

  private linger(session: UploadSession): void {
    session.expiry = setTimeout(() => {
      this.sessions.delete(session.key);
      this.onChange();
    }, LINGER_MS);
    session.expiry.unref();
  }

  private heldBy(peer: string): number {
    let held = 0;
    for (const u of this.current.values()) if (u.peer === peer && !u.local) held++;
    return held;
  }

  private usedQuota(peer: string, now: number): { since: number; bytes: number } {
    let used = this.quota.get(peer);
    if (!used || now - used.since >= QUOTA_WINDOW_MS) {
      used = { since: now, bytes: 0 };
      this.quota.set(peer, used);
      // Forget windows that ended, so many peers over time do not grow the map for ever.
      for (const [key, value] of this.quota) if (now - value.since >= QUOTA_WINDOW_MS) this.quota.delete(key);
    }
    return used;
  }
}
