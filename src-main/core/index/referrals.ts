// The index's own record of whom it sent where: when a downloader asks for a file's sources
// (GET /api/v1/files/{id}), the index notes which sources it handed to the asking address for that
// file. A transfer report counts only when the reporter (by the address it registered from, or
// the one it claims) was handed that source for that file lately, and each referral is used once:
// nobody reports on a peer the index never pointed it at, and one lookup backs one report per source.
//
// Addresses, not identities: the lookup is the downloader's plain GET (it carries no session),
// and many peers behind one NAT share an address: any of them may use a referral the index gave
// that address. Memory is bounded: at most MAX_SOURCES (address, file, source) entries, the least
// recently recorded forgotten first, each kept TTL_MS. A flood of lookups can push honest
// referrals out; their reports then do not count (reputation stands still), nothing worse.

/** A referral is good this long: a download re-asks its sources every few seconds while it runs. */
export const REFERRAL_TTL_MS = 6 * 3_600_000;
/** (address, file, source) entries kept at most (about 100 bytes each). */
const MAX_REFERRED_SOURCES = 200_000;

interface Referral {
  at: number;
  sources: Set<string>;
}

export class Referrals {
  private readonly byKey = new Map<string, Referral>();
  private entries = 0;

  constructor(private readonly now: () => number = Date.now, private readonly maxSources = MAX_REFERRED_SOURCES) {}

  /** The index handed these sources (peer ids) of `fileId` to `addressKey`. */
  record(addressKey: string, fileId: string, sourcePeerIds: readonly string[]): void {
    if (sourcePeerIds.length === 0) return;
    const key = `${addressKey} ${fileId}`;
    const known = this.byKey.get(key);
    const sources = known?.sources ?? new Set<string>();
    if (known) {
      this.byKey.delete(key); // re-inserted last: the map's order is least recently recorded first
      this.entries -= known.sources.size;
    }
    for (const id of sourcePeerIds) sources.add(id);
    this.byKey.set(key, { at: this.now(), sources });
    this.entries += sources.size;
    this.forgetOld();
  }

  /**
   * True when one of `addressKeys` was handed `sourcePeerId` for `fileId` within the TTL; the
   * referral is then used up (a later report needs a later lookup).
   */
  use(addressKeys: readonly string[], fileId: string, sourcePeerId: string): boolean {
    const now = this.now();
    for (const addressKey of new Set(addressKeys)) {
      const key = `${addressKey} ${fileId}`;
      const referral = this.byKey.get(key);
      if (!referral || now - referral.at > REFERRAL_TTL_MS || !referral.sources.delete(sourcePeerId)) continue;
      this.entries--;
      if (referral.sources.size === 0) this.byKey.delete(key);
      return true;
    }
    return false;
  }

  get size(): number {
    return this.entries;
  }

  private forgetOld(): void {
    const now = this.now();
    for (const [key, referral] of this.byKey) {
      if (this.entries <= this.maxSources && now - referral.at <= REFERRAL_TTL_MS) return;
      this.byKey.delete(key);
      this.entries -= referral.sources.size;
    }
  }
}
