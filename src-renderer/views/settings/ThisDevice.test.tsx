// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityView } from '../../../src-shared/api/identity.js';
import { nodeIdFromPublicKey, shortNodeId } from '../../../src-shared/node-id.js';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport } from '../../test-support/fake-transport.js';
import { ThisDevice } from './ThisDevice.js';

const id = nodeIdFromPublicKey(new Uint8Array(32).map((_, i) => i * 7));

/** A node that keeps its name the way the real one does (null: back to the default). */
async function renderDevice() {
  let name: string | null = null;
  const view = (): IdentityView => ({ id, shortId: shortNodeId(id), name: name ?? 'vm', defaultName: 'vm', custom: name !== null });
  const transport = new FakeTransport({
    getInfo: () => ({ id, name: view().name, version: '0.1.0', apiVersion: 'v1', protocol: 3, roles: ['peer'], port: 9001, indexPort: null, startedAt: '', fileCount: 0, totalBytes: 0 }),
    getIndexConnection: () => ({ state: 'idle', server: null, lastError: null, servers: [] }),
    getIdentity: view,
    getTransferSettings: () => ({ maxDownloadRate: 0, maxUploadRate: 0, maxUploads: 4, uploadQuotaPerPeer: 0, shareDownloads: true, downloadDirectory: '/d' }),
    getIndexRole: () => ({ enabled: false, state: 'off', port: null, indexId: id, lastError: null }),
    setIdentity: ({ body }) => {
      name = (body as { name: string | null }).name;
      return view();
    },
  });
  const stores = createStores(createBridge(transport));
  await stores.network.getState().check(true);
  await stores.settings.getState().load();
  render(
    <StoresProvider stores={stores}>
      <ThisDevice />
    </StoresProvider>,
  );
  return { transport, stores };
}

const nameInput = () => screen.getByLabelText('Name') as HTMLInputElement;
const sets = (t: FakeTransport) => t.calls.filter((c) => c.route === 'setIdentity');

describe('This device', () => {
  afterEach(cleanup);

  it('shows the node id in its groups, the short id, and copies the id', async () => {
    await renderDevice();
    const shown = screen.getByTestId('node-id');
    expect(shown.textContent).toBe(id);
    expect(shown.querySelectorAll('.node-id-group')).toHaveLength(8);
    expect(screen.getByTestId('short-id').textContent).toBe(shortNodeId(id));
    fireEvent.click(screen.getByRole('button', { name: 'Copy id' }));
    await screen.findByText('Copied');
    expect(await navigator.clipboard.readText()).toBe(id);
  });

  it('explains a name the node would refuse before sending it, then saves a good one and goes back to the default', async () => {
    const { transport, stores } = await renderDevice();
    expect(nameInput().value).toBe('vm');
    fireEvent.change(nameInput(), { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    expect((await screen.findByRole('alert')).textContent).toBe('a name cannot be empty');
    expect(sets(transport)).toHaveLength(0);

    fireEvent.change(nameInput(), { target: { value: '  Attic server ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    await screen.findByText(/^Saved\./);
    expect(sets(transport)[0]?.parts.body).toEqual({ name: 'Attic server' });
    expect(nameInput().value).toBe('Attic server');
    await waitFor(() => expect(stores.network.getState().info?.name).toBe('Attic server'));

    fireEvent.click(screen.getByRole('button', { name: 'Use the default (vm)' }));
    await waitFor(() => expect(nameInput().value).toBe('vm'));
    expect(sets(transport)[1]?.parts.body).toEqual({ name: null });
  });
});
