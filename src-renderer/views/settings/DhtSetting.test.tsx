// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DhtSettingsView } from '../../../src-shared/api/dht.js';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport } from '../../test-support/fake-transport.js';
import { DhtSetting } from './DhtSetting.js';

const off: DhtSettingsView = { enabled: false, state: 'off', mode: 'public', bootstrap: [], port: null, nodes: 0, announced: 0, maxAnnounced: 1000, lastError: null };

function renderWith(initial: DhtSettingsView) {
  let view = initial;
  const transport = new FakeTransport({
    getDhtSettings: () => view,
    setDhtSettings: ({ body }) => {
      const { enabled } = body as { enabled: boolean };
      view = enabled ? { ...view, enabled, state: 'on', port: 6881, nodes: 12, announced: 3 } : { ...view, enabled, state: 'off', port: null, nodes: 0, announced: 0 };
      return view;
    },
  });
  const stores = createStores(createBridge(transport));
  render(
    <StoresProvider stores={stores}>
      <DhtSetting />
    </StoresProvider>,
  );
  return transport;
}

describe('the DHT setting', () => {
  afterEach(cleanup);

  it('is off by default, says what it shares with whom, and turns on', async () => {
    const transport = renderWith(off);
    const toggle = await screen.findByRole('switch', { name: 'Find and offer sources without an index server' });
    expect((toggle as HTMLInputElement).checked).toBe(false);
    const explained = screen.getByTestId('dht-explained').textContent ?? '';
    expect(explained).toMatch(/anyone on the DHT can see which files this device shares/);
    expect(explained).toMatch(/Searching by words still needs an index server/);
    expect(screen.getByTestId('dht-state').textContent).toBe('State: Off');
    fireEvent.click(toggle);
    await waitFor(() => expect(screen.getByTestId('dht-state').textContent).toMatch(/On · 12 DHT nodes known · 3 files announced · UDP port 6881/));
    expect((toggle as HTMLInputElement).checked).toBe(true);
    expect(transport.calls.filter((c) => c.route === 'setDhtSettings').map((c) => c.parts.body)).toEqual([{ enabled: true }]);
  });

  it('names the private DHT\u2019s bootstrap nodes', async () => {
    renderWith({ ...off, mode: 'private', bootstrap: ['10.0.0.5:6881'] });
    expect((await screen.findByTestId('dht-explained')).textContent).toMatch(/Private DHT: only 10\.0\.0\.5:6881/);
  });
});
