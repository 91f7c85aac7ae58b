// @vitest-environment happy-dom
// The total speed in the nav and the window title, while something moves.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadState, DownloadView, UploadView } from '../../src-shared/api/transfers.js';
import { createBridge } from '../bridge/create-bridge.js';
import { createStores } from '../stores/create-stores.js';
import { FakeTransport } from '../test-support/fake-transport.js';
import { formatSpeed } from './format.js';
import { Nav } from './Nav.js';
import { StoresProvider } from './stores-context.js';
import { speedLabel, totalSpeed, windowTitle } from './total-speed.js';

const download = (state: DownloadState, speed: number): DownloadView => ({
  id: '11111111-2222-3333-4444-555555555555', fileId: 'c'.repeat(64), name: 'sea.mp4', size: 1000, state, bytesVerified: 10,
  piecesVerified: 0, pieceCount: 1, speed, etaSeconds: null, sources: [], path: null, error: null, createdAt: '', completedAt: null,
});
const upload = (speed: number): UploadView => ({
  id: 1, fileId: 'a'.repeat(64), name: 'reef.flac', peer: '10.0.0.2', address: '10.0.0.2', peerId: null,
  bytes: 10, progress: 10, size: 100, speed, active: true, encrypted: true, startedAt: '',
});

describe('total speed', () => {
  afterEach(cleanup);

  it('adds running downloads and every upload, naming only the directions that move', () => {
    const speed = totalSpeed([download('downloading', 3000), download('paused', 999)], [upload(1000), upload(500)]);
    expect(speed).toEqual({ down: 3000, up: 1500 });
    expect(speedLabel(speed)).toBe(`\u2193 ${formatSpeed(3000)} \u2191 ${formatSpeed(1500)}`);
    expect(speedLabel({ down: 0, up: 1500 })).toBe(`\u2191 ${formatSpeed(1500)}`);
    expect(speedLabel({ down: 0, up: 0 })).toBeNull();
    expect(windowTitle(null)).toBe('Shoal');
  });

  it('shows in the nav and the window title while bytes move, and leaves both when they stop', async () => {
    const transport = new FakeTransport();
    const stores = createStores(createBridge(transport));
    render(
      <StoresProvider stores={stores}>
        <Nav />
      </StoresProvider>,
    );
    expect(screen.queryByTestId('total-speed')).toBeNull();
    expect(document.title).toBe('Shoal');
    act(() => {
      transport.emit('transfer_progress', download('downloading', 3 * 1024 * 1024));
      transport.emit('uploads_update', [upload(1024 * 1024)]);
    });
    const label = `\u2193 ${formatSpeed(3 * 1024 * 1024)} \u2191 ${formatSpeed(1024 * 1024)}`;
    expect((await screen.findByTestId('total-speed')).textContent).toBe(label);
    expect(document.title).toBe(`${label} \u2014 Shoal`);
    act(() => {
      transport.emit('transfer_completed', download('completed', 0));
      transport.emit('uploads_update', []);
    });
    expect(screen.queryByTestId('total-speed')).toBeNull();
    expect(document.title).toBe('Shoal');
    stores.dispose();
  });
});
