// What this node serves: each upload (who fetches what, how fast), the totals, and the limits a
// new upload must pass: a maximum of concurrent uploads (a full node answers 503 with
// Retry-After), a share of them per remote address (so one address cannot take every slot), and a
// quota of bytes per remote peer per hour (429 with Retry-After). The local user's own fetches
// count against the total only.
import type { UploadView } from '../../../src-shared/api/transfers.js';
import { ShoalError } from '../../../src-shared/errors.js';
import { SpeedMeter } from '../transfers/speed-meter.js';

export interface UploadLimits {
  maxUploads: number;
  /** Uploads one remote address may hold at once. */
  maxUploadsPerPeer: number;
  /** Bytes one remote address may fetch per hour; 0 = unlimited. */
  uploadQuotaPerPeer: number;
}

export interface Upload {
  sent(bytes: number): void;
  end(completed: boolean): void;
}

const QUOTA_WINDOW_MS = 3_600_000;
const FULL_RETRY_AFTER_S = 2;

interface ActiveUpload {
  id: number;
  fileId: string;
  name: string;
  peer: string;
  /** The local user's own fetch: not counted against its address's share. */
  local: boolean;
  bytes: number;
  meter: SpeedMeter;
  startedAt: number;
}

export class UploadTracker {
  served = 0;
  bytesSent = 0;
  private readonly current = new Map<number, ActiveUpload>();
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
  begin(what: { fileId: string; name: string; peer: string; local?: boolean }, retryAfter: (seconds: number) => void): Upload {
    const limits = this.limits();
    if (this.current.size >= limits.maxUploads) {
      retryAfter(FULL_RETRY_AFTER_S);
      throw new ShoalError('UPLOADS_FULL');
    }
    const local = what.local ?? false;
    if (!local && this.heldBy(what.peer) >= limits.maxUploadsPerPeer) {
      retryAfter(FULL_RETRY_AFTER_S);
      throw new ShoalError('UPLOADS_FULL', 'You hold as many of this peer\u2019s upload slots as one address may; try again when one ends (see Retry-After).');
    }
    const now = Date.now();
    const used = this.usedQuota(what.peer, now);
    if (limits.uploadQuotaPerPeer > 0 && used.bytes >= limits.uploadQuotaPerPeer) {
      retryAfter(Math.ceil((used.since + QUOTA_WINDOW_MS - now) / 1000));
      throw new ShoalError('UPLOAD_QUOTA_EXCEEDED');
    }
    const upload: ActiveUpload = { id: this.nextId++, fileId: what.fileId, name: what.name, peer: what.peer, local, bytes: 0, meter: new SpeedMeter(), startedAt: now };
    this.current.set(upload.id, upload);
    this.onChange();
    let ended = false;
    return {
      sent: (bytes) => {
        this.bytesSent += bytes;
        upload.bytes += bytes;
        used.bytes += bytes;
        upload.meter.add(bytes);
        this.onChange();
      },
      end: (completed) => {
        if (ended) return;
        ended = true;
        this.current.delete(upload.id);
        if (completed) this.served++;
        this.onChange();
      },
    };
  }

  list(): UploadView[] {
    return [...this.current.values()].map((u) => ({
      id: u.id, fileId: u.fileId, name: u.name, peer: u.peer, bytes: u.bytes, speed: Math.round(u.meter.speed),
      startedAt: new Date(u.startedAt).toISOString(),
    }));
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
