// LAN discovery's bookkeeping on a fake clock: when an index server is listed, kept and dropped.
// The multicast itself is tested for real between two network namespaces (lan-discovery.test.ts);
// here a stand-in responder answers the browser's re-queries for as long as the test says the
// index server is on the LAN, so minutes of refreshes pass in no time.
import { EventEmitter } from 'node:events';
import type { Service } from 'bonjour-service';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browseIndexes, type DiscoveredIndex, type MdnsResponder } from '../../src-main/core/index-client/lan-discovery.js';

const REFRESH_MS = 60_000;
const STALE_MS = 3 * REFRESH_MS;

const office = {
  fqdn: 'Office (abc)._shoal-index._tcp.local', name: 'Office (abc)', port: 8080,
  addresses: ['192.168.1.20'], referer: { address: '192.168.1.20', family: 'IPv4', port: 5353, size: 0 },
  txt: { indexId: 'index-abc', name: 'Office' },
} as unknown as Service;

/** A LAN of one index server: `answering` says whether it still replies to a query. */
function fakeLan() {
  const lan = { answering: true, browser: new EventEmitter() as EventEmitter & { stop(): void }, queries: 0 };
  lan.browser.stop = () => undefined;
  const responder = {
    find: (_options: unknown, onUp?: (service: Service) => void) => {
      if (!onUp) return lan.browser; // the long-lived browser: the test emits its 'up' and 'down'
      lan.queries++;
      if (lan.answering) queueMicrotask(() => onUp(office));
      return Object.assign(new EventEmitter(), { stop: () => undefined });
    },
    destroy: (done?: () => void) => done?.(),
  } as unknown as MdnsResponder;
  return { lan, responder };
}

describe('LAN discovery on a fake clock', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('keeps an index server that answers the re-queries, however long, and drops a silent one once stale', async () => {
    const { lan, responder } = fakeLan();
    const changes: DiscoveredIndex[][] = [];
    const browsing = browseIndexes((list) => changes.push(list), { bonjour: responder, refreshMs: REFRESH_MS, staleAfterMs: STALE_MS });
    lan.browser.emit('up', office);
    expect(browsing.list()).toEqual([expect.objectContaining({ address: '192.168.1.20:8080', indexId: 'index-abc', name: 'Office' })]);

    await vi.advanceTimersByTimeAsync(10 * REFRESH_MS); // ten re-queries, each answered
    expect(lan.queries).toBe(10);
    expect(browsing.list()).toHaveLength(1);
    expect(changes).toHaveLength(1); // being seen again is not a change

    lan.answering = false; // it crashed: no goodbye
    await vi.advanceTimersByTimeAsync(STALE_MS - REFRESH_MS);
    expect(browsing.list()).toHaveLength(1); // not yet stale: silent for less than STALE_MS at each look
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(browsing.list()).toHaveLength(1); // silent for exactly STALE_MS: still within
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(browsing.list()).toEqual([]);
    expect(changes.at(-1)).toEqual([]);
    await browsing.stop();
  });

  it('drops an index server at once on its goodbye, and lists it again when it comes back', async () => {
    const { lan, responder } = fakeLan();
    const browsing = browseIndexes(undefined, { bonjour: responder, refreshMs: REFRESH_MS, staleAfterMs: STALE_MS });
    lan.browser.emit('up', office);
    lan.browser.emit('down', office);
    expect(browsing.list()).toEqual([]);
    await vi.advanceTimersByTimeAsync(REFRESH_MS); // still on the LAN: the next re-query finds it
    expect(browsing.list()).toHaveLength(1);
    await browsing.stop();
    expect(browsing.list()).toEqual([]);
  });

  it('keeps at most 64 announcements, each name and id cut to 200 characters: anyone on the LAN can announce', async () => {
    const { lan, responder } = fakeLan();
    const browsing = browseIndexes(undefined, { bonjour: responder, refreshMs: REFRESH_MS, staleAfterMs: STALE_MS });
    for (let i = 0; i < 100; i++) {
      lan.browser.emit('up', { ...office, fqdn: `Fake ${i}._shoal-index._tcp.local`, port: 9000 + i, txt: { indexId: 'x'.repeat(5_000), name: 'n'.repeat(5_000) } });
    }
    expect(browsing.list()).toHaveLength(64);
    expect(browsing.list().every((d) => d.name.length === 200 && d.indexId.length === 200)).toBe(true);
    await browsing.stop();
  });
});
