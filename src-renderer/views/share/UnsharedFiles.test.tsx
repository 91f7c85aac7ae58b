// @vitest-environment happy-dom
// Share's unshared files (issue 16, item 15): Undo right after an unshare shares again exactly the
// paths the node removed; "Unshared (N)" lists them and shares them again; the shared folder shows.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UnsharedFile } from '../../../src-shared/api/unshared.js';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import type { CallParts } from '../../bridge/transport.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport, fakeFile, type Handlers } from '../../test-support/fake-transport.js';
import { SharedFileList } from './SharedFileList.js';

const files = [fakeFile(1), fakeFile(2), fakeFile(3)];
const pathOf = (id: string) => `/home/ana/Shared/${files.find((f) => f.id === id)?.name ?? 'unknown'}`;

function renderShare(handlers: Handlers) {
  const reshared: string[][] = [];
  const transport = new FakeTransport({
    listFiles: () => ({ items: files, total: files.length, page: 1, pageSize: 200 }),
    listUnshared: () => ({ items: [], total: 0, page: 1, pageSize: 100 }),
    listSharedRoots: () => ({ items: [] }),
    reshareFiles: ({ body }: CallParts) => {
      const { paths } = body as { paths: string[] };
      reshared.push(paths);
      return { results: paths.map((path) => ({ path, ok: true })), succeeded: paths.length, failed: 0 };
    },
    ...handlers,
  });
  const stores = createStores(createBridge(transport));
  render(
    <StoresProvider stores={stores}>
      <SharedFileList />
    </StoresProvider>,
  );
  return { stores, reshared, transport };
}

describe('unshared files in Share', () => {
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 }));
  afterAll(() => {
    if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
  });
  afterEach(cleanup);

  it('offers Undo after unsharing a selection, which shares again the paths the files left', async () => {
    const { stores, reshared } = renderShare({
      // The second file failed to unshare: nothing of it to undo.
      unshareFiles: ({ body }: CallParts) => {
        const { ids } = body as { ids: string[] };
        const results = ids.map((id, i) => (i === 1
          ? { id, ok: false, error: { code: 'FILE_NOT_FOUND', message: 'No shared file has this id.' } }
          : { id, ok: true, removedPaths: [pathOf(id), `${pathOf(id)}.copy`] }));
        return { results, succeeded: 2, failed: 1 };
      },
    });
    for (const f of files) fireEvent.click(await screen.findByRole('checkbox', { name: `Select ${f.name}` }));
    const bar = screen.getByTestId('selection-bar');
    fireEvent.click(within(bar).getByRole('button', { name: 'Unshare' }));
    fireEvent.click(within(screen.getByRole('group', { name: 'Stop sharing 3 files?' })).getByRole('button', { name: 'Unshare' }));
    const note = await screen.findByRole('status');
    expect(note.textContent).toContain('Unshared 2 files.');
    fireEvent.click(within(note).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(reshared).toHaveLength(1));
    expect(reshared[0]).toEqual([pathOf(files[0]!.id), `${pathOf(files[0]!.id)}.copy`, pathOf(files[2]!.id), `${pathOf(files[2]!.id)}.copy`]);
    await waitFor(() => expect(screen.queryByText(/Unshared 2 files/)).toBeNull());
    stores.dispose();
  });

  it('offers Undo after one row\u2019s unshare too', async () => {
    const { stores, reshared } = renderShare({
      unshareFile: ({ params }: CallParts) => ({ id: params?.fileId, removedPaths: [pathOf(String(params?.fileId))] }),
    });
    const row = (await screen.findAllByTestId('shared-file'))[0]!;
    fireEvent.click(within(row).getByRole('button', { name: `Unshare ${files[0]!.name}` }));
    fireEvent.click(within(within(row).getByRole('group', { name: `Stop sharing ${files[0]!.name}?` })).getByRole('button', { name: 'Unshare' }));
    const note = await screen.findByRole('status');
    expect(note.textContent).toContain('Unshared 1 file.');
    fireEvent.click(within(note).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(reshared).toEqual([[pathOf(files[0]!.id)]]));
    stores.dispose();
  });

  it('lists "Unshared (N)" and shares one again, or the selected ones at once; a file gone from disk cannot be', async () => {
    let unshared: UnsharedFile[] = [
      { path: '/home/ana/Shared/old.txt', name: 'old.txt', unsharedAt: '2026-12-01T10:00:00.000Z', present: true, size: 10 },
      { path: '/home/ana/Shared/older.txt', name: 'older.txt', unsharedAt: '2026-12-01T09:00:00.000Z', present: true, size: 20 },
      { path: '/home/ana/Shared/gone.txt', name: 'gone.txt', unsharedAt: '2026-12-01T08:00:00.000Z', present: false, size: null },
    ];
    const { stores, reshared } = renderShare({
      listUnshared: () => ({ items: unshared, total: unshared.length, page: 1, pageSize: 100 }),
      reshareFiles: ({ body }: CallParts) => {
        const { paths } = body as { paths: string[] };
        reshared.push(paths);
        unshared = unshared.filter((f) => !paths.includes(f.path));
        return { results: paths.map((path) => ({ path, ok: true })), succeeded: paths.length, failed: 0 };
      },
    });
    const toggle = await screen.findByRole('button', { name: 'Unshared (3)' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    const list = screen.getByRole('region', { name: 'Unshared files' });
    expect(within(list).getAllByTestId('unshared-file')).toHaveLength(3);
    const gone = within(list).getAllByTestId('unshared-file')[2]!;
    expect(gone.textContent).toContain('Gone from disk');
    expect(within(gone).queryByRole('button')).toBeNull();

    fireEvent.click(within(list).getByRole('button', { name: 'Share again: old.txt' }));
    await waitFor(() => expect(within(list).getAllByTestId('unshared-file')).toHaveLength(2));
    expect(reshared).toEqual([['/home/ana/Shared/old.txt']]);
    await screen.findByRole('button', { name: 'Unshared (2)' });

    fireEvent.click(within(list).getByRole('checkbox', { name: 'Select older.txt' }));
    fireEvent.click(within(within(list).getByTestId('selection-bar')).getByRole('button', { name: 'Share again' }));
    await waitFor(() => expect(reshared).toEqual([['/home/ana/Shared/old.txt'], ['/home/ana/Shared/older.txt']]));
    stores.dispose();
  });

  it('searches the unshared files on the node, a page at a time, and says how many match', async () => {
    const all: UnsharedFile[] = Array.from({ length: 150 }, (_, i) => ({
      path: `/home/ana/Shared/${i % 2 ? 'Holiday' : 'Work'}/f${i}.txt`, name: `f${i}.txt`, unsharedAt: '2026-12-01T10:00:00.000Z', present: true, size: i,
    }));
    const { stores, transport } = renderShare({
      listUnshared: ({ query }: CallParts) => {
        const q = String(query?.q ?? '').toLowerCase();
        const page = Number(query?.page);
        const size = Number(query?.pageSize);
        const matches = all.filter((f) => f.path.toLowerCase().includes(q));
        return { items: matches.slice((page - 1) * size, page * size), total: matches.length, page, pageSize: size };
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Unshared (150)' }));
    const list = screen.getByRole('region', { name: 'Unshared files' });
    fireEvent.change(within(list).getByRole('searchbox', { name: 'Find in unshared files' }), { target: { value: 'holiday' } });
    await waitFor(() => expect(within(list).getByRole('status').textContent).toBe('75 files match'));
    expect(within(list).getAllByTestId('unshared-file')).toHaveLength(75);
    expect(within(list).queryByRole('button', { name: 'Show more' })).toBeNull();
    expect(transport.calls.filter((c) => c.route === 'listUnshared').at(-1)?.parts.query).toMatchObject({ q: 'holiday', page: 1 });

    fireEvent.change(within(list).getByRole('searchbox', { name: 'Find in unshared files' }), { target: { value: 'f1' } });
    await waitFor(() => expect(within(list).getByRole('status').textContent).toBe('61 files match'));
    fireEvent.change(within(list).getByRole('searchbox', { name: 'Find in unshared files' }), { target: { value: 'nothing' } });
    await waitFor(() => expect(within(list).getByRole('status').textContent).toBe('0 files match'));
    expect(within(list).queryAllByTestId('unshared-file')).toHaveLength(0);
    fireEvent.change(within(list).getByRole('searchbox', { name: 'Find in unshared files' }), { target: { value: '' } });
    await screen.findByRole('button', { name: 'Unshared (150)' });
    expect(within(list).getAllByTestId('unshared-file')).toHaveLength(100);
    fireEvent.click(within(list).getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(within(list).getAllByTestId('unshared-file')).toHaveLength(150));
    stores.dispose();
  });

  it('shows where the shared folder is, and how many paths are shared by hand', async () => {
    const deep = `/home/ana/${'A_very_long_folder_name_without_spaces_'.repeat(6)}/Shared`;
    const { stores } = renderShare({
      listSharedRoots: () => ({
        items: [
          { path: deep, kind: 'folder', sharedFolder: true, access: 'everyone', devices: [], fileCount: 3 },
          { path: '/home/ana/report.pdf', kind: 'file', sharedFolder: false, access: 'everyone', devices: [], fileCount: 1 },
        ],
      }),
    });
    const line = await screen.findByTestId('shared-folder');
    expect(within(line).getAllByTestId('shared-path')[0]!.textContent).toBe(`Shared folder: ${deep}Who sees it`);
    expect(within(screen.getByTestId('hand-shared')).getByText('1 path shared by hand')).toBeTruthy();
    expect(screen.queryByTestId('restricted-badge')).toBeNull(); // shared with everyone: no mark
    stores.dispose();
  });

  it('marks a shared folder only chosen devices see with a lock, naming how many', async () => {
    const devices = ['AAAAAAA-BBBBBBB-CCCCCCC-DDDDDDD-EEEEEEE-FFFFFFF-GGGGGGG-HHHHHHH', 'IIIIIII-JJJJJJJ-KKKKKKK-LLLLLLL-MMMMMMM-NNNNNNN-OOOOOOO-PPPPPPP'];
    const { stores } = renderShare({
      listSharedRoots: () => ({ items: [{ path: '/home/ana/Shared', kind: 'folder', sharedFolder: true, access: 'devices', devices, fileCount: 3 }] }),
    });
    const badge = await screen.findByTestId('restricted-badge');
    expect(badge.getAttribute('title')).toBe('Shared only with 2 chosen devices; no other peer sees it');
    expect(within(badge).getByText('Shared only with 2 chosen devices; no other peer sees it').className).toBe('visually-hidden');
    expect(screen.getByTestId('shared-folder').contains(badge)).toBe(true);
    stores.dispose();
  });
});
