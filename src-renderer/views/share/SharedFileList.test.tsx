// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport, fakeFile } from '../../test-support/fake-transport.js';
import { NARROW_ROW_HEIGHT, NARROW_ROWS, ROW_HEIGHT, SharedFileList } from './SharedFileList.js';

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

  it('gives the rows the height the CSS gives them: taller in a narrow window, where the actions go under the name', async () => {
    const files = (narrow: boolean) => {
      vi.stubGlobal('matchMedia', (query: string) => ({ matches: narrow && query === NARROW_ROWS, addEventListener: () => {}, removeEventListener: () => {} }));
      return createStores(createBridge(new FakeTransport({ listFiles: () => ({ items: [fakeFile(0), fakeFile(1)], total: 2, page: 1, pageSize: 200 }) })));
    };
    cleanup();
    try {
      for (const [narrow, height] of [[false, ROW_HEIGHT], [true, NARROW_ROW_HEIGHT]] as const) {
        const stores = files(narrow);
        await stores.library.getState().refresh();
        const { unmount } = render(
          <StoresProvider stores={stores}>
            <SharedFileList />
          </StoresProvider>,
        );
        await waitFor(() => expect(screen.getAllByTestId('shared-file')).toHaveLength(2));
        const rows = screen.getAllByTestId('shared-file').map((row) => row.parentElement as HTMLElement);
        expect(rows.map((row) => row.style.height)).toEqual([`${height}px`, `${height}px`]);
        expect(rows[1]?.style.transform).toBe(`translateY(${height}px)`);
        unmount();
        stores.dispose();
      }
    } finally {
      vi.unstubAllGlobals();
    }
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
