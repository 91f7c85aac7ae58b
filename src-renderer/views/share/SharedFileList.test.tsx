// @vitest-environment happy-dom
import { render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport, fakeFile } from '../../test-support/fake-transport.js';
import { SharedFileList } from './SharedFileList.js';

const TOTAL = 100_000;

describe('the shared file list', () => {
  // happy-dom lays nothing out: give the scroller the height a window would.
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 }));
  afterAll(() => {
    if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
  });

  it('renders a few rows of 100,000 and fetches only their page', async () => {
    const transport = new FakeTransport({
      listFiles: ({ query }) => {
        const page = Number(query?.page);
        const size = Number(query?.pageSize);
        return { items: Array.from({ length: size }, (_, i) => fakeFile((page - 1) * size + i)), total: TOTAL, page, pageSize: size };
      },
    });
    const stores = createStores(createBridge(transport));
    await stores.library.getState().refresh();
    render(
      <StoresProvider stores={stores}>
        <SharedFileList />
      </StoresProvider>,
    );
    expect(screen.getByTestId('shared-count').textContent).toBe(`${TOTAL.toLocaleString()} files`);
    await waitFor(() => expect(screen.getAllByTestId('shared-file').length).toBeGreaterThan(0));
    expect(screen.getAllByTestId('shared-file').length).toBeLessThan(60);
    expect(screen.getByText('file-000000.txt')).toBeTruthy();
    expect(transport.calls.filter((c) => c.route === 'listFiles').map((c) => c.parts.query?.page)).toEqual([1]);
    stores.dispose();
  });

  it('tells a new user what to do when nothing is shared', async () => {
    const stores = createStores(createBridge(new FakeTransport({ listFiles: () => ({ items: [], total: 0, page: 1, pageSize: 200 }) })));
    await stores.library.getState().refresh();
    render(
      <StoresProvider stores={stores}>
        <SharedFileList />
      </StoresProvider>,
    );
    expect(screen.getByText('You share nothing yet')).toBeTruthy();
    stores.dispose();
  });
});
