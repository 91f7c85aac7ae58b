import { describe, expect, it, vi } from 'vitest';
import { createNodeClient } from '../bridge/node-client.js';
import { FakeTransport } from '../test-support/fake-transport.js';
import { createSearchStore, TYPING_PAUSE_MS } from './search-store.js';

const answer = (name: string) => ({
  items: [{ id: 'a'.repeat(64), name, names: [name], size: 1, mime: 'x', category: 'other', tags: [], pieceSize: 262144, sourceCount: 1, sources: [], firstSeen: '' }],
  total: 1, page: 1, pageSize: 100, tookMs: 1,
});

describe('search as you type', () => {
  it('asks once per pause in typing', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport({ searchNetwork: (p) => answer(String(p.query?.q)) });
    const store = createSearchStore(createNodeClient(transport));
    for (const q of ['o', 'oc', 'oce']) store.getState().setQuery(q);
    await vi.advanceTimersByTimeAsync(TYPING_PAUSE_MS + 10);
    vi.useRealTimers();
    expect(transport.calls.map((c) => c.parts.query?.q)).toEqual(['oce']);
    expect(store.getState().results[0]?.name).toBe('oce');
  });

  it('never lets an older answer replace a newer one', async () => {
    let release: (() => void) | undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const transport = new FakeTransport({
      searchNetwork: async (p) => {
        if (p.query?.q === 'old') await slow;
        return answer(String(p.query?.q));
      },
    });
    const store = createSearchStore(createNodeClient(transport));
    store.setState({ query: 'old' });
    const first = store.getState().run();
    store.setState({ query: 'new' });
    await store.getState().run();
    release?.();
    await first;
    expect(store.getState().results[0]?.name).toBe('new');
  });

  it('asks the federation for more when index servers had not answered yet, and shows it meanwhile', async () => {
    const queryId = 'q'.repeat(22);
    let release: (() => void) | undefined;
    const later = new Promise<void>((resolve) => (release = resolve));
    const transport = new FakeTransport({
      searchNetwork: async (p) => {
        if (!p.query?.more) return { ...answer('first'), federation: { queryId, asked: 2, answered: 1, pending: 1 } };
        await later;
        return { ...answer('with the late server'), total: 2, federation: { queryId, asked: 2, answered: 2, pending: 0 } };
      },
    });
    const store = createSearchStore(createNodeClient(transport));
    store.setState({ query: 'x' });
    const running = store.getState().run();
    await vi.waitFor(() => expect(store.getState().moreComing).toBe(true));
    expect(store.getState().results[0]?.name).toBe('first');
    release?.();
    await running;
    expect(transport.calls.map((c) => c.parts.query?.more)).toEqual([undefined, queryId]);
    expect(store.getState()).toMatchObject({ moreComing: false, total: 2 });
    expect(store.getState().results[0]?.name).toBe('with the late server');
  });

  it('shows the node\u2019s message when no index server answers', async () => {
    const transport = new FakeTransport({
      searchNetwork: () => {
        throw Object.assign(new Error('No index server is known yet.'), { code: 'SERVICE_UNAVAILABLE' });
      },
    });
    const store = createSearchStore(createNodeClient(transport));
    store.setState({ query: 'x' });
    await store.getState().run();
    expect(store.getState().error).toBe('No index server is known yet.');
  });

  it('a pasted shoal:// link or file id opens that file instead of searching words', async () => {
    const id = 'b'.repeat(64);
    const file = { ...answer('song.mp3').items[0], id, inLibrary: false };
    const transport = new FakeTransport({ getNetworkFile: () => file, searchNetwork: (p) => answer(String(p.query?.q)) });
    const store = createSearchStore(createNodeClient(transport));
    for (const query of [`shoal://file/${id}?name=song.mp3`, ` ${id.toUpperCase()} `]) {
      store.setState({ query });
      await store.getState().run();
      expect(store.getState().opened?.id).toBe(id);
      expect(store.getState().results).toEqual([]);
    }
    expect(transport.calls.map((c) => [c.route, c.parts.params?.fileId])).toEqual([['getNetworkFile', id], ['getNetworkFile', id]]);
    store.setState({ query: 'song' });
    await store.getState().run();
    expect(store.getState().opened).toBeNull();
  });
});
