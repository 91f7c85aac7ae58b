import { describe, expect, it } from 'vitest';
import type { UnsharedFile } from '../../src-shared/api/unshared.js';
import { createBridge } from '../bridge/create-bridge.js';
import { FakeTransport } from '../test-support/fake-transport.js';
import { createUnsharedStore, UNSHARED_PAGE_SIZE, undoOf } from './unshared-store.js';

const file = (i: number): UnsharedFile => ({ path: `/s/f${i}.txt`, name: `f${i}.txt`, unsharedAt: '2026-12-01T00:00:00.000Z', present: true, size: i });
const TOTAL = UNSHARED_PAGE_SIZE + 30;

function store() {
  const transport = new FakeTransport({
    listUnshared: ({ query }) => {
      const page = Number(query?.page);
      const size = Number(query?.pageSize);
      const items = Array.from({ length: TOTAL }, (_, i) => file(i)).slice((page - 1) * size, page * size);
      return { items, total: TOTAL, page, pageSize: size };
    },
    reshareFiles: ({ body }) => {
      const { paths } = body as { paths: string[] };
      return { results: paths.map((path) => ({ path, ok: true })), succeeded: paths.length, failed: 0 };
    },
  });
  return { s: createUnsharedStore(createBridge(transport).api), transport };
}

describe('the unshared files store', () => {
  it('loads a page, then the next one after it', async () => {
    const { s } = store();
    await s.getState().load();
    expect(s.getState()).toMatchObject({ total: TOTAL });
    expect(s.getState().items).toHaveLength(UNSHARED_PAGE_SIZE);
    await s.getState().more();
    expect(s.getState().items.map((f) => f.path)).toEqual(Array.from({ length: TOTAL }, (_, i) => `/s/f${i}.txt`));
    await s.getState().more(); // all loaded: asks nothing more
    expect(s.getState().items).toHaveLength(TOTAL);
  });

  it('undoes only what an unshare removed, once', async () => {
    const { s, transport } = store();
    const undo = undoOf({
      results: [
        { id: 'a'.repeat(64), ok: true, removedPaths: ['/s/a.txt', '/elsewhere/a.txt'] },
        { id: 'b'.repeat(64), ok: false, error: { code: 'FILE_NOT_FOUND', message: 'gone' } },
      ],
      succeeded: 1,
      failed: 1,
    });
    expect(undo).toEqual({ files: 1, paths: ['/s/a.txt', '/elsewhere/a.txt'] });
    s.getState().noteUnshared(undo);
    await s.getState().undo();
    expect(await s.getState().undo()).toBeNull();
    expect(transport.calls.filter((c) => c.route === 'reshareFiles').map((c) => c.parts.body)).toEqual([{ paths: ['/s/a.txt', '/elsewhere/a.txt'] }]);
  });

  it('offers no undo when nothing was unshared', () => {
    const { s } = store();
    s.getState().noteUnshared(undoOf({ results: [{ id: 'b'.repeat(64), ok: false, error: { code: 'FILE_NOT_FOUND', message: 'gone' } }], succeeded: 0, failed: 1 }));
    expect(s.getState().lastUnshare).toBeNull();
  });
});
