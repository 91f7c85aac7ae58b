// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Device, NetworkSettings, SharedRoot } from '../../../src-shared/api/access.js';
import { StoresProvider } from '../../app/stores-context.js';
import { ApiError } from '../../bridge/api-error.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport } from '../../test-support/fake-transport.js';
import { AccessControl } from './AccessControl.js';

import { nodeIdFromPublicKey, shortNodeId } from '../../../src-shared/node-id.js';

const ALICE = nodeIdFromPublicKey(new Uint8Array(32).fill(7));
const now = new Date().toISOString();

/** A node answering the access-control routes the way the real one does (kept in memory). */
function renderWith(o: { devices?: Device[]; roots?: SharedRoot[]; refuseNetworks?: boolean } = {}) {
  const devices = o.devices ?? [];
  const roots = o.roots ?? [];
  let networks: NetworkSettings = { allowedNetworks: [], blockedNetworks: [], allowPlainHttp: true };
  const transport = new FakeTransport({
    listDevices: () => ({ items: devices }),
    listSharedRoots: () => ({ items: roots }),
    getNetworkSettings: () => networks,
    setNetworkSettings: ({ body }) => {
      if (o.refuseNetworks) throw new ApiError('INVALID_NETWORK', 'The node refused it.', 400);
      networks = { ...networks, ...(body as Partial<NetworkSettings>) };
      return networks;
    },
    setDeviceState: ({ params, body }) => {
      const device = devices.find((d) => d.id === params?.deviceId)!;
      device.state = (body as { state: Device['state'] }).state;
      return { ...device };
    },
    setRootAccess: ({ body }) => {
      const { path, access, devices: chosen } = body as { path: string; access: SharedRoot['access']; devices: string[] };
      const root = roots.find((r) => r.path === path)!;
      Object.assign(root, { access, devices: access === 'devices' ? chosen : [] });
      return { ...root };
    },
  });
  const stores = createStores(createBridge(transport));
  render(
    <StoresProvider stores={stores}>
      <AccessControl />
    </StoresProvider>,
  );
  return { transport, stores };
}

const alice = (): Device => ({ id: ALICE, name: 'Alice\u2019s laptop', state: 'none', firstSeen: now, lastSeen: now, lastAddress: '192.168.1.20', bytesSent: 5_000_000, bytesReceived: 0 });

describe('Settings → access control', () => {
  afterEach(cleanup);

  it('says when no device has been seen yet, and that nothing is shared', async () => {
    renderWith();
    expect(await screen.findByTestId('no-devices')).toBeTruthy();
    expect(screen.getByText('Nothing is shared yet.')).toBeTruthy();
  });

  it('shows a device by name and short id (the full id on hover), and blocks and trusts it', async () => {
    const { transport } = renderWith({ devices: [alice()] });
    const row = await screen.findByTestId('device');
    expect(within(row).getByText('Alice\u2019s laptop')).toBeTruthy();
    expect(within(row).getByLabelText(`Node id ${ALICE}`).getAttribute('title')).toBe(ALICE);
    expect(within(row).getByLabelText(`Node id ${ALICE}`).textContent).toBe(shortNodeId(ALICE));
    fireEvent.click(within(row).getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(within(row).getByRole('button', { name: 'Unblock' })).toBeTruthy());
    expect(within(row).getByText('Blocked')).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: 'Trust' }));
    await waitFor(() => expect(within(row).getByRole('button', { name: 'Trusted' }).getAttribute('aria-pressed')).toBe('true'));
    expect(transport.calls.filter((c) => c.route === 'setDeviceState').map((c) => (c.parts.body as { state: string }).state)).toEqual(['blocked', 'trusted']);
  });

  it('shares a folder only with chosen devices', async () => {
    const { transport } = renderWith({
      devices: [alice()],
      roots: [{ path: '/home/me/Shoal', kind: 'folder', sharedFolder: true, access: 'everyone', devices: [], fileCount: 3 }],
    });
    const root = await screen.findByTestId('shared-root');
    expect(within(root).getByText('Shoal')).toBeTruthy();
    fireEvent.change(within(root).getByLabelText('Shared with'), { target: { value: 'devices' } });
    const box = await within(root).findByRole('checkbox');
    fireEvent.click(box);
    await waitFor(() => expect((within(root).getByRole('checkbox') as HTMLInputElement).checked).toBe(true));
    const calls = transport.calls.filter((c) => c.route === 'setRootAccess').map((c) => c.parts.body);
    expect(calls.at(-1)).toEqual({ path: '/home/me/Shoal', access: 'devices', devices: [ALICE] });
  });

  it('switches plain HTTP for other programs off and on, saying what it costs', async () => {
    const { transport } = renderWith();
    const plain = await screen.findByRole('switch', { name: 'Let programs without encryption download from this device' });
    expect((plain as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText(/anyone on the way can read what they fetch/)).toBeTruthy();
    fireEvent.click(plain);
    await waitFor(() => expect((plain as HTMLInputElement).checked).toBe(false));
    expect(transport.calls.filter((c) => c.route === 'setNetworkSettings').map((c) => c.parts)).toEqual([{ body: { allowPlainHttp: false } }]);
  });

  it('keeps networks typed and not saved yet when the plain-HTTP switch is saved', async () => {
    const { transport } = renderWith();
    const blocked = (await screen.findByLabelText('Blocked networks')) as HTMLTextAreaElement;
    fireEvent.change(blocked, { target: { value: '203.0.113.0/24' } });
    const plain = screen.getByRole('switch', { name: 'Let programs without encryption download from this device' }) as HTMLInputElement;
    fireEvent.click(plain);
    await waitFor(() => expect(plain.checked).toBe(false));
    expect(transport.calls.filter((c) => c.route === 'setNetworkSettings').map((c) => c.parts)).toEqual([{ body: { allowPlainHttp: false } }]);
    expect((screen.getByLabelText('Blocked networks') as HTMLTextAreaElement).value).toBe('203.0.113.0/24');
    // Saved, the lists are what the node answered.
    fireEvent.click(screen.getByRole('button', { name: 'Save networks' }));
    expect(await screen.findByRole('status')).toBeTruthy();
    expect(transport.calls.filter((c) => c.route === 'setNetworkSettings').at(-1)?.parts).toEqual({ body: { allowedNetworks: [], blockedNetworks: ['203.0.113.0/24'] } });
    expect((screen.getByLabelText('Blocked networks') as HTMLTextAreaElement).value).toBe('203.0.113.0/24');
  });

  it('explains a network that is not one before sending anything, and shows the node\u2019s refusal', async () => {
    const { transport } = renderWith({ refuseNetworks: true });
    const blocked = await screen.findByLabelText('Blocked networks');
    fireEvent.change(blocked, { target: { value: '10.0.0.0/33' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save networks' }));
    expect((await screen.findByRole('alert')).textContent).toContain('10.0.0.0/33');
    expect(transport.calls.some((c) => c.route === 'setNetworkSettings')).toBe(false);
    fireEvent.change(blocked, { target: { value: '203.0.113.0/24' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save networks' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('The node refused it.'));
  });
});
