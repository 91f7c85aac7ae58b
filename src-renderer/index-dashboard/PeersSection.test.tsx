// @vitest-environment happy-dom
// Paging through many peers: the real feed (index-feed.ts) asks a fake index server that answers
// GET /api/v1/peers from 10,000 peers the way the index does (its own query schema, online first,
// then in the order they registered), and the section shows "Showing 201–400 of 10,000", Previous and Next, a status
// filter, keeps the page through live refreshes, falls back to the last page when peers leave, and
// never lets an older answer replace the page the user just asked for.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useSyncExternalStore } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { indexRoutes, type IndexPeer, type IndexStats } from '../../src-shared/api/index-routes.js';
import { nodeIdFromPublicKey } from '../../src-shared/node-id.js';
import { IndexFeed } from './index-feed.js';
import { PeersSection } from './PeersSection.js';

const NOW = Date.parse('2026-12-04T21:00:00.000Z');
const n = (value: number) => value.toLocaleString();

function nodeId(i: number): string {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(0, i);
  return nodeIdFromPublicKey(key);
}

function peer(i: number, status: IndexPeer['status']): IndexPeer {
  return {
    peerId: nodeId(i), name: `peer-${String(i).padStart(5, '0')}`, address: '127.0.0.1', port: 9001, url: 'http://127.0.0.1:9001', status,
    fileCount: i, reputation: 50, activeUploads: 0, freeUploadSlots: 4, registeredAt: '2026-12-04T20:00:00.000Z', lastSeen: '2026-12-04T20:59:00.000Z',
  };
}

const stats: IndexStats = {
  peersOnline: 0, peersTotal: 0, uniqueFiles: 0, availableFiles: 0, totalBytes: 0, searchesPerMinute: 0, registrations: 0, heartbeatsPerMinute: 0, uptimeSeconds: 1,
};

/** An index server's public routes over `peers`; a peers question can be held back to answer late. */
class FakeIndex {
  peers: IndexPeer[] = [];
  readonly peersAsked: URLSearchParams[] = [];
  /** While set, peers questions wait for it. */
  hold: Promise<void> | null = null;

  readonly fetch = async (input: URL | string): Promise<Response> => {
    const url = new URL(String(input));
    if (url.pathname === '/api/v1/stats') return json(stats);
    if (url.pathname === '/api/v1/topology') return json({ nodes: [], edges: [] });
    if (url.pathname === '/api/v1/federation') return json({ indexId: nodeId(0), servers: [] });
    if (url.pathname !== '/api/v1/peers') return json({ error: { code: 'NOT_FOUND', message: 'no such route' } }, 404);
    this.peersAsked.push(url.searchParams);
    const held = this.hold;
    const q = indexRoutes.listPeers.query.parse(Object.fromEntries(url.searchParams));
    const matching = this.peers
      .filter((p) => q.status === undefined || p.status === q.status)
      .sort((a, b) => Number(b.status === 'online') - Number(a.status === 'online')); // stable: registration order after
    const items = matching.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    const body = { items, total: matching.length, page: q.page, pageSize: q.pageSize };
    if (held) await held;
    return json(body);
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function Wired({ feed }: { feed: IndexFeed }) {
  const state = useSyncExternalStore(feed.subscribe, feed.getState);
  return <PeersSection state={state} now={NOW} showPeers={feed.showPeers} />;
}

// 10,000 peers: 7,000 online, then 3,000 offline (the index lists online first). Made once: ids cost.
const TEN_THOUSAND = Array.from({ length: 10_000 }, (_, i) => peer(i + 1, i < 7_000 ? 'online' : 'offline'));

let index: FakeIndex;
let feed: IndexFeed;

beforeEach(() => {
  index = new FakeIndex();
  index.peers = [...TEN_THOUSAND];
  vi.stubGlobal('fetch', index.fetch);
  feed = new IndexFeed('http://127.0.0.1:8080');
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function show(): Promise<void> {
  await act(() => feed.refresh());
  render(<Wired feed={feed} />);
}

const top = () => screen.getByRole('navigation', { name: 'Pages of peers' });
const bottom = () => screen.getByRole('navigation', { name: 'Pages of peers, under the table' });
const rows = () => screen.getAllByTestId('dash-peer-row');
const names = () => rows().map((r) => r.querySelector('.peer-cell')?.textContent ?? '');
async function press(button: HTMLElement): Promise<void> {
  await act(async () => {
    fireEvent.click(button);
  });
}

describe('the peers registered here, a page at a time', () => {
  it('shows the first 200 of 10,000, then the next 200, and back', async () => {
    await show();
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 1\u2013200 of ${n(10_000)}`);
    expect(rows()).toHaveLength(200);
    const expected = index.peers.filter((p) => p.status === 'online');
    expect(rows()[0]?.dataset.peerId).toBe(expected[0]?.peerId);
    const previous = within(top()).getByRole('button', { name: 'Previous' });
    expect(previous.getAttribute('aria-disabled')).toBe('true');
    await press(previous); // at the first page it does nothing
    expect(index.peersAsked).toHaveLength(1);

    await press(within(top()).getByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 201\u2013400 of ${n(10_000)}`);
    expect(rows().map((r) => r.dataset.peerId)).toEqual(expected.slice(200, 400).map((p) => p.peerId));
    expect(Object.fromEntries(index.peersAsked.at(-1) ?? [])).toEqual({ page: '2', pageSize: '200' });
    expect(within(top()).getByText('Page 2 of 50').getAttribute('aria-live')).toBe('polite');

    await press(within(top()).getByRole('button', { name: 'Previous' }));
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 1\u2013200 of ${n(10_000)}`);
  });

  it('keeps the page through live refreshes, with the total as it is now', async () => {
    await show();
    await press(within(top()).getByRole('button', { name: 'Next' }));
    await press(within(top()).getByRole('button', { name: 'Next' }));
    const onPage3 = names();
    index.peers.push(peer(10_001, 'offline'));
    await act(() => feed.refresh());
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 401\u2013600 of ${n(10_001)}`);
    expect(names()).toEqual(onPage3);
    expect(index.peersAsked.at(-1)?.get('page')).toBe('3');
  });

  it('filters by status from the first page, and the filter survives paging and refreshes', async () => {
    await show();
    await press(within(top()).getByRole('button', { name: 'Next' }));
    await act(async () => {
      fireEvent.change(screen.getByRole('combobox', { name: 'Show' }), { target: { value: 'offline' } });
    });
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 1\u2013200 of ${n(3_000)} offline`);
    expect(new Set(rows().map((r) => r.querySelectorAll('td')[1]?.textContent))).toEqual(new Set(['offline']));
    expect(Object.fromEntries(index.peersAsked.at(-1) ?? [])).toEqual({ page: '1', pageSize: '200', status: 'offline' });
    await press(within(top()).getByRole('button', { name: 'Next' }));
    await act(() => feed.refresh());
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 201\u2013400 of ${n(3_000)} offline`);

    index.peers = index.peers.filter((p) => p.status === 'online');
    await act(() => feed.refresh());
    expect(screen.getByTestId('no-peers').textContent).toBe('No peer registered here is offline.');
    expect(screen.getByRole('combobox', { name: 'Show' })).toBeTruthy(); // the way back to all of them
  });

  it('goes to the last page that has any when peers leave under the one shown', async () => {
    index.peers = index.peers.slice(0, 450);
    await show();
    await press(within(top()).getByRole('button', { name: 'Next' }));
    await press(within(top()).getByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('peers-count').textContent).toBe('Showing 401\u2013450 of 450');
    const next = within(top()).getByRole('button', { name: 'Next' });
    expect(next.getAttribute('aria-disabled')).toBe('true');
    index.peers = index.peers.slice(0, 300);
    await act(() => feed.refresh());
    expect(screen.getByTestId('peers-count').textContent).toBe('Showing 201\u2013300 of 300');
    expect(within(top()).getByText('Page 2 of 2')).toBeTruthy();
  });

  it('under the table, Next brings the focus to the top of the next page', async () => {
    await show();
    const next = within(bottom()).getByRole('button', { name: 'Next' });
    next.focus();
    await press(next);
    expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Peers registered here, table' }));
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 201\u2013400 of ${n(10_000)}`);
  });

  it('a refresh answered after a click on Next does not take the user back', async () => {
    await show();
    let release = () => undefined as void;
    index.hold = new Promise<void>((resolve) => (release = resolve));
    const late = feed.refresh(); // asks page 1, answered late
    index.hold = null;
    await press(within(top()).getByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 201\u2013400 of ${n(10_000)}`);
    release();
    await act(() => late);
    expect(screen.getByTestId('peers-count').textContent).toBe(`Showing 201\u2013400 of ${n(10_000)}`);
    expect(index.peersAsked.map((q) => q.get('page'))).toEqual(['1', '1', '2']);
  });

  it('says when nobody has registered, with no pager', async () => {
    index.peers = [];
    await show();
    expect(screen.getByTestId('no-peers').textContent).toBe('No peer has registered with this index server yet.');
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('combobox')).toBeNull();
  });
});
