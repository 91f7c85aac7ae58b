// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { IndexConnectionView } from '../../../src-shared/api/peer-routes.js';
import { StoresProvider } from '../../app/stores-context.js';
import { ApiError } from '../../bridge/api-error.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport } from '../../test-support/fake-transport.js';
import { IndexServersSetting } from './IndexServersSetting.js';

const info = { id: 'n', name: 'desk', version: '0.1.0', apiVersion: 'v1', roles: ['peer'], port: 9001, indexPort: null, startedAt: '', fileCount: 0, totalBytes: 0 };
type Server = IndexConnectionView['servers'][number];
const untried = { reachable: null, lastError: null, lastTriedAt: null, rttMs: null };
const PINNED = 'BNSSEWO-P2KSWVM-NWHCJJ5-INCWXJQ-RKPVUTV-SIZPHTS-PXA22IB-I6TZYAP';
const OTHER = 'LSADALM-JHZRNM2-HZ5F574-7RQSYFN-7AIS73J-4WMMRWI-QKJ3SYY-VPXU3AM';

/** A node that keeps a list of index servers the way the real one answers. */
async function renderWith(servers: Server[]) {
  const view = (): IndexConnectionView => ({ state: 'registered', server: servers[0]?.address ?? null, lastError: null, servers: [...servers] });
  const transport = new FakeTransport({
    getInfo: () => info,
    getIndexConnection: view,
    addIndexServer: ({ body }) => {
      const { address } = body as { address: string };
      if (servers.some((s) => s.address === address)) throw new ApiError('INDEX_SERVER_EXISTS', `${address} is already added.`, 409);
      servers.push({ address, source: 'added', state: 'standby', ...untried });
      return view();
    },
    removeIndexServer: ({ params }) => {
      const address = params?.address as string;
      servers.splice(servers.findIndex((s) => s.address === address), 1);
      return view();
    },
    forgetIndexServerPin: ({ params }) => {
      const at = servers.findIndex((s) => s.address === params?.address);
      const { identity: _forgotten, ...rest } = servers[at] as Server;
      servers[at] = rest;
      return view();
    },
  });
  const stores = createStores(createBridge(transport));
  await stores.network.getState().check(true);
  render(
    <StoresProvider stores={stores}>
      <IndexServersSetting />
    </StoresProvider>,
  );
  return { transport, stores };
}

const input = () => screen.getByLabelText('Add an index server (host:port)');
const addCalls = (t: FakeTransport) => t.calls.filter((c) => c.route === 'addIndexServer');

describe('the index servers setting', () => {
  afterEach(cleanup);

  it('lists each server with where it came from, and offers Remove only for those added by hand', async () => {
    const { stores } = await renderWith([
      { address: '10.0.0.1:8080', source: 'configured', state: 'registered', ...untried },
      { address: '10.0.0.2:8080', source: 'added', state: 'standby', ...untried },
      { address: '127.0.0.1:8080', source: 'self', state: 'standby', ...untried },
      { address: '192.168.1.9:8080', source: 'discovered', state: 'failing', ...untried },
    ]);
    const rows = screen.getAllByTestId('index-server');
    expect(rows.map((r) => within(r).getByText(/:8080$/).textContent)).toEqual(['10.0.0.1:8080', '10.0.0.2:8080', '127.0.0.1:8080', '192.168.1.9:8080']);
    expect(within(rows[0] as HTMLElement).getByText('from config')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('added by you')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('this node')).toBeTruthy();
    expect(within(rows[3] as HTMLElement).getByText('found on your network')).toBeTruthy();
    expect(within(rows[3] as HTMLElement).getByText('not answering')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: /^Remove/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['Remove 10.0.0.2:8080']);
    expect(screen.getByTestId('index-connection').textContent).toBe('Registered with 10.0.0.1:8080');
    expect(screen.getByTestId('index-servers-explained').textContent).toContain('the first in this list that answers');
    stores.dispose();
  });

  it('says whether each server answered when last asked, with the error, instead of a bare "standby"', async () => {
    const justNow = new Date(Date.now() - 5_000).toISOString();
    const { stores } = await renderWith([
      { address: '10.0.0.1:8080', source: 'configured', state: 'registered', reachable: true, lastError: null, lastTriedAt: justNow, rttMs: 2 },
      { address: '10.0.0.2:8080', source: 'added', state: 'standby', reachable: true, lastError: null, lastTriedAt: justNow, rttMs: 14.6 },
      { address: '10.0.0.3:8080', source: 'added', state: 'standby', reachable: false, lastError: 'cannot reach 10.0.0.3:8080: ECONNREFUSED', lastTriedAt: justNow, rttMs: null },
    ]);
    const states = screen.getAllByTestId('index-server-state').map((e) => e.textContent);
    expect(states[0]).toBe('registered');
    expect(states[1]).toMatch(/^standby · answers in 15 ms \(5 sec\S* ago\)$/);
    expect(states[2]).toMatch(/^not answering: cannot reach 10\.0\.0\.3:8080: ECONNREFUSED · tried 5 sec\S* ago$/);
    stores.dispose();
  });

  it('explains a malformed address inline and sends nothing', async () => {
    const { transport, stores } = await renderWith([]);
    fireEvent.change(input(), { target: { value: 'http://example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toContain('host:port');
    expect(input().getAttribute('aria-invalid')).toBe('true');
    expect(addCalls(transport)).toHaveLength(0);
    // Typing again clears the complaint.
    fireEvent.change(input(), { target: { value: 'example.org:8080' } });
    expect(screen.queryByRole('alert')).toBeNull();
    stores.dispose();
  });

  it('adds a server, shows it as added by you, and empties the field', async () => {
    const { transport, stores } = await renderWith([]);
    fireEvent.change(input(), { target: { value: ' 192.168.1.20:8080 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    const row = await screen.findByTestId('index-server');
    expect(within(row).getByText('192.168.1.20:8080')).toBeTruthy();
    expect(within(row).getByText('added by you')).toBeTruthy();
    expect(addCalls(transport).map((c) => c.parts.body)).toEqual([{ address: '192.168.1.20:8080' }]);
    await waitFor(() => expect((input() as HTMLInputElement).value).toBe(''));
    stores.dispose();
  });

  it('shows the node\u2019s own message when it refuses', async () => {
    const { stores } = await renderWith([{ address: '10.0.0.2:8080', source: 'added', state: 'standby', ...untried }]);
    fireEvent.change(input(), { target: { value: '10.0.0.2:8080' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toBe('10.0.0.2:8080 is already added.');
    expect((input() as HTMLInputElement).value).toBe('10.0.0.2:8080');
    expect(screen.getAllByTestId('index-server')).toHaveLength(1);
    stores.dispose();
  });

  it('removes a server added by hand', async () => {
    const { transport, stores } = await renderWith([
      { address: '10.0.0.1:8080', source: 'configured', state: 'registered', ...untried },
      { address: '10.0.0.2:8080', source: 'added', state: 'standby', ...untried },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove 10.0.0.2:8080' }));
    await waitFor(() => expect(screen.getAllByTestId('index-server')).toHaveLength(1));
    expect(screen.queryByText('10.0.0.2:8080')).toBeNull();
    expect(transport.calls.filter((c) => c.route === 'removeIndexServer').map((c) => c.parts.params)).toEqual([{ address: '10.0.0.2:8080' }]);
    stores.dispose();
  });

  it('refuses a mistyped node id after "#" inline, and sends a full one', async () => {
    const { transport, stores } = await renderWith([]);
    fireEvent.change(input(), { target: { value: `10.0.0.5:8080#${PINNED.slice(0, -1)}B` } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toContain('a typo?');
    expect(addCalls(transport)).toHaveLength(0);
    fireEvent.change(input(), { target: { value: `10.0.0.5:8080#${PINNED.toLowerCase()}` } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(addCalls(transport).map((c) => c.parts.body)).toEqual([{ address: `10.0.0.5:8080#${PINNED}` }]));
    stores.dispose();
  });

  it('says when a server proves another id than its pin, and forgets the pin on "Trust the new identity" (not an id from the config)', async () => {
    const refused = { reachable: false, lastError: 'the index server is not the node expected', lastTriedAt: new Date().toISOString(), rttMs: null };
    const { transport, stores } = await renderWith([
      { address: '10.0.0.1:8080', source: 'configured', state: 'failing', ...refused, identity: { nodeId: PINNED, given: true, presented: OTHER } },
      { address: '10.0.0.2:8080', source: 'added', state: 'failing', ...refused, identity: { nodeId: PINNED, given: false, presented: OTHER } },
      { address: '10.0.0.3:8080', source: 'added', state: 'standby', ...untried, identity: { nodeId: PINNED, given: false, presented: null } },
    ]);
    const notes = screen.getAllByTestId('index-server-identity');
    expect(notes).toHaveLength(2);
    expect(notes[0]?.textContent).toContain(`It now proves the id ${OTHER.slice(0, 7)}, not ${PINNED.slice(0, 7)} given in this node’s configuration`);
    expect(notes[1]?.textContent).toContain('it proved before');
    expect(screen.getAllByRole('button', { name: /^Trust the new identity/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['Trust the new identity of 10.0.0.2:8080']);
    fireEvent.click(screen.getByRole('button', { name: 'Trust the new identity of 10.0.0.2:8080' }));
    await waitFor(() => expect(screen.getAllByTestId('index-server-identity')).toHaveLength(1));
    expect(transport.calls.filter((c) => c.route === 'forgetIndexServerPin').map((c) => c.parts.params)).toEqual([{ address: '10.0.0.2:8080' }]);
    stores.dispose();
  });
});
