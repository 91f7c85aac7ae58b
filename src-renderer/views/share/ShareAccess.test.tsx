// @vitest-environment happy-dom
// Who sees what, in Share (issues 14 and 16): the shared folder, each path shared by hand and each
// file whose paths are all in restricted roots carry the lock badge with the number of devices,
// said in full in the tooltip and to screen readers; "Who sees it" on a path, or in a file's
// details, changes its root through the same control as Settings.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Device, SharedRoot } from '../../../src-shared/api/access.js';
import type { SharedFile } from '../../../src-shared/api/library.js';
import { nodeIdFromPublicKey } from '../../../src-shared/node-id.js';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport, fakeFile } from '../../test-support/fake-transport.js';
import { SharedFileList } from './SharedFileList.js';

const ALICE = nodeIdFromPublicKey(new Uint8Array(32).fill(7));
const BOB = nodeIdFromPublicKey(new Uint8Array(32).fill(9));
const now = new Date().toISOString();
const device = (id: string, name: string): Device => ({ id, name, state: 'none', firstSeen: now, lastSeen: now, lastAddress: null, bytesSent: 0, bytesReceived: 0 });
const TWO = 'Shared only with 2 chosen devices; no other peer sees it';

function renderShare() {
  const roots: SharedRoot[] = [
    { path: '/home/ana/Shared', kind: 'folder', sharedFolder: true, access: 'everyone', devices: [], fileCount: 1 },
    { path: '/home/ana/elsewhere/diary.txt', kind: 'file', sharedFolder: false, access: 'devices', devices: [ALICE, BOB], fileCount: 1 },
    { path: '/home/ana/photos', kind: 'folder', sharedFolder: false, access: 'everyone', devices: [], fileCount: 1 },
  ];
  const files: SharedFile[] = [
    { ...fakeFile(1), name: 'in-folder.txt', paths: ['/home/ana/Shared/in-folder.txt'] },
    { ...fakeFile(2), name: 'diary.txt', paths: ['/home/ana/elsewhere/diary.txt'] },
    { ...fakeFile(3), name: 'beach.jpg', paths: ['/home/ana/photos/beach.jpg'] },
  ];
  const transport = new FakeTransport({
    listFiles: () => ({ items: files, total: files.length, page: 1, pageSize: 200 }),
    listUnshared: () => ({ items: [], total: 0, page: 1, pageSize: 100 }),
    listSharedRoots: () => ({ items: roots }),
    listDevices: () => ({ items: [device(ALICE, 'alice-laptop'), device(BOB, 'bob-phone')] }),
    setRootAccess: ({ body }) => {
      const { path, access, devices } = body as { path: string; access: SharedRoot['access']; devices: string[] };
      const root = roots.find((r) => r.path === path)!;
      Object.assign(root, { access, devices: access === 'devices' ? devices : [] });
      return { ...root };
    },
  });
  const stores = createStores(createBridge(transport));
  render(
    <StoresProvider stores={stores}>
      <SharedFileList />
    </StoresProvider>,
  );
  const accessCalls = () => transport.calls.filter((c) => c.route === 'setRootAccess').map((c) => c.parts.body);
  return { stores, accessCalls };
}

const row = async (name: string) => (await screen.findAllByTestId('shared-file')).find((r) => r.textContent?.includes(name))!;

describe('who sees what, in Share', () => {
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 }));
  afterAll(() => {
    if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
  });
  afterEach(cleanup);

  it('marks a path shared by hand and its file with the lock and the device count, and nothing shared with everyone', async () => {
    const { stores } = renderShare();
    const handShared = await screen.findByTestId('hand-shared');
    expect(within(handShared).getByText('2 paths shared by hand, 1 only with chosen devices')).toBeTruthy();
    const lines = within(handShared).getAllByTestId('shared-path');
    const diaryLine = lines.find((l) => l.textContent?.includes('diary.txt'))!;
    const badge = within(diaryLine).getByTestId('restricted-badge');
    expect(badge.getAttribute('title')).toBe(TWO);
    expect(within(badge).getByText(TWO).className).toBe('visually-hidden');
    expect(within(badge).getByText('2')).toBeTruthy();
    expect(within(lines.find((l) => l.textContent?.includes('photos'))!).queryByTestId('restricted-badge')).toBeNull();

    await waitFor(async () => expect(within(await row('diary.txt')).getByTestId('restricted-badge').getAttribute('title')).toBe(TWO));
    expect(within(await row('in-folder.txt')).queryByTestId('restricted-badge')).toBeNull();
    expect(within(await row('beach.jpg')).queryByTestId('restricted-badge')).toBeNull();
    expect(within(screen.getAllByTestId('shared-path')[0]!).queryByTestId('restricted-badge')).toBeNull(); // the shared folder
    stores.dispose();
  });

  it('shares a path shared by hand with everyone again from its line, and the locks go', async () => {
    const { stores, accessCalls } = renderShare();
    const handShared = await screen.findByTestId('hand-shared');
    fireEvent.click(within(handShared).getByRole('button', { name: 'Who sees it: diary.txt' }));
    const diaryLine = within(handShared).getAllByTestId('shared-path').find((l) => l.textContent?.includes('diary.txt'))!;
    expect(within(diaryLine).getByRole('button', { name: 'Who sees it: diary.txt' }).getAttribute('aria-expanded')).toBe('true');
    // The devices chosen are ticked, by name, once the devices are loaded.
    await waitFor(() => expect((within(diaryLine).getByRole('checkbox', { name: /bob-phone/ }) as HTMLInputElement).checked).toBe(true));
    fireEvent.change(within(diaryLine).getByLabelText('Shared with'), { target: { value: 'everyone' } });
    await waitFor(() => expect(accessCalls()).toEqual([{ path: '/home/ana/elsewhere/diary.txt', access: 'everyone', devices: [ALICE, BOB] }]));
    await waitFor(() => expect(screen.queryAllByTestId('restricted-badge')).toHaveLength(0));
    expect(within(handShared).getByText('2 paths shared by hand')).toBeTruthy();
    stores.dispose();
  });

  it('restricts a file from its details, through the folder shared by hand it is in', async () => {
    const { stores, accessCalls } = renderShare();
    const beach = await row('beach.jpg');
    await waitFor(() => expect(screen.getAllByTestId('shared-path').length).toBe(3));
    fireEvent.click(within(beach).getByRole('button', { name: 'Details: beach.jpg' }));
    const dialog = screen.getByRole('dialog', { name: 'beach.jpg' });
    expect(dialog.textContent).toContain('In a folder shared by hand, so this applies to every file in it: /home/ana/photos');
    fireEvent.change(within(dialog).getByLabelText('Shared with'), { target: { value: 'devices' } });
    fireEvent.click(await within(dialog).findByRole('checkbox', { name: /alice-laptop/ }));
    await waitFor(() => expect(accessCalls().at(-1)).toEqual({ path: '/home/ana/photos', access: 'devices', devices: [ALICE] }));
    const one = 'Shared only with 1 chosen device; no other peer sees it';
    await waitFor(() => expect(within(dialog).getByTestId('restricted-badge').getAttribute('title')).toBe(one));
    expect(within(await row('beach.jpg')).getByTestId('restricted-badge').getAttribute('title')).toBe(one);
    stores.dispose();
  });

  it('asks the node for the devices once while a load is on, however many controls ask', async () => {
    const transport = new FakeTransport({
      listSharedRoots: () => ({ items: [] }),
      listDevices: () => ({ items: [device(ALICE, 'alice-laptop')] }),
    });
    const stores = createStores(createBridge(transport));
    await Promise.all([1, 2, 3].map(() => stores.access.getState().loadDevices()));
    expect(transport.calls.filter((c) => c.route === 'listDevices')).toHaveLength(1);
    expect(stores.access.getState().devices?.map((d) => d.name)).toEqual(['alice-laptop']);
    await stores.access.getState().loadDevices(); // the load over, the next one asks again
    expect(transport.calls.filter((c) => c.route === 'listDevices')).toHaveLength(2);
  });
});
