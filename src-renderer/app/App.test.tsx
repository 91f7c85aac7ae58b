// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../bridge/api-error.js';
import { createBridge } from '../bridge/create-bridge.js';
import { createStores } from '../stores/create-stores.js';
import { FakeTransport } from '../test-support/fake-transport.js';
import { App } from './App.js';
import { StoresProvider } from './stores-context.js';

const info = { id: 'n', name: 'desk', version: '0.1.0', apiVersion: 'v1', roles: ['peer'], port: 9001, indexPort: null, startedAt: '', fileCount: 0, totalBytes: 0 };

function renderApp(transport: FakeTransport, hasToken: boolean) {
  const stores = createStores(createBridge(transport));
  render(
    <StoresProvider stores={stores}>
      <App hasToken={hasToken} />
    </StoresProvider>,
  );
  return stores;
}

describe('the app at start-up', () => {
  afterEach(cleanup);

  it('without a token (nor the node\u2019s cookie), says to open the printed link', async () => {
    const refuse = () => {
      throw new ApiError('UNAUTHORIZED', 'This endpoint needs the node\u2019s control token.', 401);
    };
    renderApp(new FakeTransport({ getInfo: () => info, getIndexConnection: refuse }), false);
    expect(await screen.findByText('shoal serve', { exact: false })).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('without a token in the address, opens when the node accepts the browser\u2019s token cookie (a second tab, a bookmark)', async () => {
    const connection = { state: 'idle', server: null, lastError: null, servers: [] };
    renderApp(new FakeTransport({ getInfo: () => info, getIndexConnection: () => connection }), false);
    expect(await screen.findByRole('navigation')).toBeTruthy();
  });

  it('with a token the node refuses, says it is not this node\u2019s', async () => {
    const refuse = () => {
      throw new ApiError('UNAUTHORIZED', 'This endpoint needs the node\u2019s control token.', 401);
    };
    renderApp(new FakeTransport({ getInfo: () => info, getIndexConnection: refuse }), true);
    expect(await screen.findByText(/is not this node/)).toBeTruthy();
  });

  it('when the node does not answer, says so', async () => {
    renderApp(new FakeTransport({}), true);
    expect(await screen.findByText('The node is unreachable.')).toBeTruthy();
  });
});
