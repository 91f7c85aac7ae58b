// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FederationSettingsView } from '../../../src-shared/api/federation.js';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport } from '../../test-support/fake-transport.js';
import { FederationSetting } from './FederationSetting.js';

const role = { enabled: true, state: 'on' as const, port: 8080, indexId: 'x', lastError: null };
const GIVEN = 'BNSSEWO-P2KSWVM-NWHCJJ5-INCWXJQ-RKPVUTV-SIZPHTS-PXA22IB-I6TZYAP';
const OTHER = 'LSADALM-JHZRNM2-HZ5F574-7RQSYFN-7AIS73J-4WMMRWI-QKJ3SYY-VPXU3AM';

/** A node whose index federates the way the real one answers (the added list replaced whole). */
async function renderWith(enabled = true) {
  let added: string[] = [];
  // An added server given with an id (host:port#NODEID) proves another one: refused, as the node says.
  const view = (): FederationSettingsView => ({
    configured: ['10.0.0.1:8080'], added: [...added],
    servers: [
      { address: '10.0.0.1:8080', origin: 'configured', indexId: 'A', lastSeen: new Date().toISOString(), answering: true },
      ...added.map((entry) => {
        const [address = '', nodeId] = entry.split('#');
        return { address, origin: 'added' as const, indexId: nodeId ?? null, lastSeen: null, answering: false, ...(nodeId ? { identity: { nodeId, presented: OTHER } } : {}) };
      }),
    ],
  });
  const transport = new FakeTransport({
    getFederation: view,
    setFederation: ({ body }) => {
      added = (body as { added: string[] }).added;
      return view();
    },
  });
  const stores = createStores(createBridge(transport));
  stores.settings.setState({ indexRole: { ...role, enabled, state: enabled ? 'on' : 'off' } });
  render(
    <StoresProvider stores={stores}>
      <FederationSetting />
    </StoresProvider>,
  );
  return { transport, stores };
}

describe('the federation setting', () => {
  afterEach(cleanup);

  it('lists the federation, adds a server live and removes only those added here', async () => {
    const { transport } = await renderWith();
    const rows = await screen.findAllByTestId('federated-server');
    expect(within(rows[0] as HTMLElement).getByText('from config')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByText('answers')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).queryByRole('button')).toBeNull();
    const input = screen.getByLabelText('Federate with (host:port of its index)');
    fireEvent.change(input, { target: { value: 'not an address' } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    expect((await screen.findByRole('alert')).textContent).toMatch(/host:port/);
    fireEvent.change(input, { target: { value: '10.0.0.2:8080' } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    await waitFor(() => expect(screen.getAllByTestId('federated-server')).toHaveLength(2));
    expect(transport.calls.filter((c) => c.route === 'setFederation').map((c) => c.parts.body)).toEqual([{ added: ['10.0.0.2:8080'] }]);
    fireEvent.click(screen.getByRole('button', { name: 'Stop federating with 10.0.0.2:8080' }));
    await waitFor(() => expect(screen.getAllByTestId('federated-server')).toHaveLength(1));
  });

  it('takes host:port#NODEID (a mistyped id refused inline), says when that server proves another id, and removes it by its address', async () => {
    const { transport } = await renderWith();
    await screen.findAllByTestId('federated-server');
    const input = screen.getByLabelText('Federate with (host:port of its index)');
    fireEvent.change(input, { target: { value: `10.0.0.3:8080#${GIVEN.slice(0, -1)}B` } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    expect((await screen.findByRole('alert')).textContent).toContain('a typo?');
    fireEvent.change(input, { target: { value: `10.0.0.3:8080#${GIVEN.toLowerCase()}` } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    const note = await screen.findByTestId('federated-server-identity');
    expect(note.textContent).toContain(`It proves the id ${OTHER.slice(0, 7)}, not ${GIVEN.slice(0, 7)} given with its address`);
    expect(screen.getByText('refused: another node')).toBeTruthy();
    expect(transport.calls.filter((c) => c.route === 'setFederation').map((c) => c.parts.body)).toEqual([{ added: [`10.0.0.3:8080#${GIVEN}`] }]);
    fireEvent.click(screen.getByRole('button', { name: 'Stop federating with 10.0.0.3:8080' }));
    await waitFor(() => expect(screen.getAllByTestId('federated-server')).toHaveLength(1));
    expect(transport.calls.filter((c) => c.route === 'setFederation').at(-1)?.parts.body).toEqual({ added: [] });
  });

  it('is not shown, and not asked for, while this node is not an index server', async () => {
    const { transport, stores } = await renderWith(false);
    // The federation answered (as another view might have asked): only the role keeps the block hidden.
    await stores.federation.getState().load();
    await waitFor(() => expect(stores.federation.getState().view?.servers).toHaveLength(1));
    expect(screen.queryByTestId('federation-setting')).toBeNull();
    expect(screen.queryByText('Federate with other index servers')).toBeNull();
    expect(transport.calls.filter((c) => c.route === 'getFederation')).toHaveLength(1); // the load above, no polling
    // Turned on, the same store shows at once, and the block starts asking the node.
    act(() => stores.settings.setState({ indexRole: role }));
    expect(await screen.findByTestId('federation-setting')).toBeTruthy();
    await waitFor(() => expect(transport.calls.filter((c) => c.route === 'getFederation')).toHaveLength(2));
  });
});
