// What a transfer report can do to a source's reputation (issue 14; docs/security.md, "What the
// index believes"), on a real IndexService and IndexStore with a clock the test moves: once per
// download, only after the index sent the reporter there, weighted by the reporter's age and
// standing, at most PAIR_CAP per reporter and source a day, REPORTS_PER_HOUR per reporter.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IndexEventMap } from '../../src-shared/api/index-events.js';
import type { IndexedFile } from '../../src-shared/api/index-routes.js';
import type { ShoalError } from '../../src-shared/errors.js';
import { EventBus } from '../../src-main/core/events/event-bus.js';
import { IndexService } from '../../src-main/core/index/index-service.js';
import { IndexStore } from '../../src-main/core/index/index-store.js';
import { PAIR_CAP, REPORTS_PER_HOUR, reportWeight } from '../../src-main/core/index/reputation.js';
import { newSessionToken } from '../../src-main/core/index/session-tokens.js';
import { openDatabase, type Db } from '../../src-main/core/store/database.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sha256 } from '../support/sha256.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = 1_700_000_000_000;
const FILE: IndexedFile = {
  id: sha256('the file'), name: 'film.mkv', size: 5_000_000, mime: 'video/x-matroska', category: 'video', tags: [], pieceSize: 262_144,
};

let dir: { path: string; remove(): Promise<void> };
let db: Db;
let store: IndexStore;
let service: IndexService;
let now = T0;
const tokens = new Map<string, string>();

function join_(peerId: string, address: string, files: IndexedFile[] = []) {
  const { token, hash } = newSessionToken();
  tokens.set(peerId, token);
  store.registerPeer({ peerId, name: peerId, address, port: 9001, sessionHash: hash, now, files, sourceAddress: address, addressKey: address, sourceKey: address });
}

const reputation = (peerId: string) => store.getPeer(peerId)?.reputation ?? NaN;
const report = (reporter: string, subject: string, outcome: 'verified' | 'corrupt', downloadId: string) =>
  service.reportTransfer(tokens.get(reporter), { peerId: reporter, sourcePeerId: subject, fileId: FILE.id, outcome, bytes: 1000, downloadId });

beforeEach(async () => {
  now = T0;
  dir = await makeTempDir();
  db = openDatabase(join(dir.path, 'shoal.db'));
  store = new IndexStore(db);
  service = new IndexService({
    store, bus: new EventBus<IndexEventMap>(), logger: pino({ level: 'silent' }), indexId: 'index', now: () => now,
    settings: { heartbeatIntervalMs: 30_000, cleanupIntervalMs: 300_000, maxPeers: 1000, reporterMaturityMs: DAY },
  });
  join_('victim', '10.0.0.1', [FILE]);
});

afterEach(async () => {
  db.close();
  await dir.remove();
});

describe('a report', () => {
  it('from a brand-new identity weighs almost nothing: five "corrupt" reports ten seconds after it joined move the victim by less than 0.01', () => {
    join_('attacker', '10.6.6.6');
    now += 10_000;
    for (let i = 0; i < 5; i++) {
      service.lookupFile(FILE.id, '10.6.6.6');
      const answer = report('attacker', 'victim', 'corrupt', `d${i}`);
      expect(answer.counted).toBe(true);
      expect(answer.weight).toBe(0); // ten seconds of a day: 0.0001, shown to three places
    }
    expect(50 - reputation('victim')).toBeLessThan(0.01); // was 50 → 0 before issue 14
    expect(50 - reputation('victim')).toBeGreaterThan(0);
  });

  it('counts once per download, and only where the index sent the reporter to that source for that file', () => {
    join_('downloader', '10.0.0.2');
    now += DAY; // a mature reporter in good standing weighs 1
    expect(report('downloader', 'victim', 'verified', 'a')).toMatchObject({ counted: false, reason: expect.stringMatching(/did not send/) });
    service.lookupFile(FILE.id, '10.0.0.9'); // someone else's lookup is not this reporter's
    expect(report('downloader', 'victim', 'verified', 'a').counted).toBe(false);
    service.lookupFile(FILE.id, '10.0.0.2');
    expect(report('downloader', 'victim', 'verified', 'a')).toMatchObject({ counted: true, weight: 1, effect: 2 });
    service.lookupFile(FILE.id, '10.0.0.2');
    expect(report('downloader', 'victim', 'verified', 'a')).toMatchObject({ counted: false, reason: expect.stringMatching(/counted already/) });
    // One lookup backs one report per source: a second download needs its own.
    expect(report('downloader', 'victim', 'verified', 'b')).toMatchObject({ counted: true });
    expect(report('downloader', 'victim', 'verified', 'c').counted).toBe(false);
    expect(reputation('victim')).toBeCloseTo(54, 5);
  });

  it('weighs the reporter\u2019s standing: below neutral in proportion, at 0 not at all', () => {
    expect(reportWeight({ reputation: 50, ageMs: DAY }, DAY)).toBe(1);
    expect(reportWeight({ reputation: 90, ageMs: 2 * DAY }, DAY)).toBe(1);
    expect(reportWeight({ reputation: 25, ageMs: DAY }, DAY)).toBe(0.5);
    expect(reportWeight({ reputation: 0, ageMs: DAY }, DAY)).toBe(0);
    expect(reportWeight({ reputation: 50, ageMs: 6 * HOUR }, DAY)).toBe(0.25);
  });

  it('from one reporter, however mature, moves one source at most PAIR_CAP points a day', () => {
    join_('grudge', '10.0.0.3');
    now += DAY;
    for (let i = 0; i < 10; i++) {
      service.lookupFile(FILE.id, '10.0.0.3');
      report('grudge', 'victim', 'corrupt', `d${i}`);
    }
    expect(reputation('victim')).toBeCloseTo(50 - PAIR_CAP, 5); // one corrupt report's worth, not 0
    // A day later its old reports no longer count against the cap.
    now += DAY + 1;
    const before = reputation('victim');
    service.lookupFile(FILE.id, '10.0.0.3');
    expect(report('grudge', 'victim', 'corrupt', 'later').effect).toBe(-15);
    expect(reputation('victim')).toBeCloseTo(before - 15, 5);
  });

  it('from one reporter, at most REPORTS_PER_HOUR an hour: 429 RATE_LIMITED with Retry-After beyond', () => {
    join_('chatty', '10.0.0.4');
    let retryAfter = 0;
    for (let i = 0; i < REPORTS_PER_HOUR; i++) report('chatty', 'victim', 'verified', `d${i}`);
    expect(() => service.reportTransfer(tokens.get('chatty'), { peerId: 'chatty', sourcePeerId: 'victim', fileId: FILE.id, outcome: 'verified', bytes: 0, downloadId: 'x' }, (s) => (retryAfter = s)))
      .toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }) as ShoalError);
    expect(retryAfter).toBe(30);
    now += 30_000;
    expect(report('chatty', 'victim', 'verified', 'y').ok).toBe(true);
  });
});

describe('heartbeats', () => {
  it('earn reputation by time, not by count: a hundred in a second earn what one on time does', () => {
    const fast = () => service.heartbeat(tokens.get('victim'), { peerId: 'victim', activeUploads: 0, freeUploadSlots: 1 });
    now += 30_000;
    fast();
    service.flushHeartbeats();
    const onTime = reputation('victim') - 50;
    expect(onTime).toBeCloseTo(0.05, 5);
    for (let i = 0; i < 100; i++) {
      now += 10;
      fast();
      service.flushHeartbeats();
    }
    expect(reputation('victim') - 50 - onTime).toBeLessThan(0.002);
  });
});

describe('the download redirect with access control', () => {
  it('finds the best source access control allows even past the first page of sources', () => {
    const allowedPeer = 'p-last';
    for (let i = 0; i < 130; i++) join_(`p-${String(i).padStart(3, '0')}`, `10.1.${Math.floor(i / 200)}.${i % 200}`, [FILE]);
    join_(allowedPeer, '10.9.9.9', [FILE]); // registered last: ranked after every other at the same standing
    const access = { registrationRefusal: () => undefined, seen: () => undefined, sourceAllowed: (s: { peerId: string }) => s.peerId === allowedPeer };
    const guarded = new IndexService({
      store, bus: new EventBus<IndexEventMap>(), logger: pino({ level: 'silent' }), indexId: 'index', now: () => now, access,
      settings: { heartbeatIntervalMs: 30_000, cleanupIntervalMs: 300_000, maxPeers: 1000 },
    });
    expect(store.sourcesOf(FILE.id, 200).findIndex((s) => s.peerId === allowedPeer)).toBeGreaterThan(100);
    expect(guarded.bestSource(FILE.id)).toMatch(/^http:\/\/10\.9\.9\.9:9001\//);
    const none = new IndexService({
      store, bus: new EventBus<IndexEventMap>(), logger: pino({ level: 'silent' }), indexId: 'index', now: () => now,
      access: { ...access, sourceAllowed: () => false }, settings: { heartbeatIntervalMs: 30_000, cleanupIntervalMs: 300_000, maxPeers: 1000 },
    });
    expect(() => none.bestSource(FILE.id)).toThrow(expect.objectContaining({ code: 'NO_SOURCE_ONLINE' }) as Error);
  });
});
