// @vitest-environment happy-dom
// Transfers: Pause all / Resume all as one call each, and an upload row per downloader and file.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSpeed } from '../../app/format.js';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport, type Handlers } from '../../test-support/fake-transport.js';
import { TransfersView } from './TransfersView.js';

const download = (i: number, state: string, speed = 0) => ({
  id: `11111111-2222-3333-4444-${String(i).padStart(12, '0')}`, fileId: String(i).repeat(64).slice(0, 64), name: `sea-${i}.mp4`, size: 1000,
  state, bytesVerified: 10, piecesVerified: 0, pieceCount: 1, speed, etaSeconds: null, sources: [], path: null, error: null, createdAt: '', completedAt: null,
});
const upload = {
  id: 7, fileId: 'a'.repeat(64), name: 'reef.flac', peer: '0f1e2d3c-aaaa-bbbb-cccc-000000000000', address: '10.0.0.2',
  peerId: '0f1e2d3c-aaaa-bbbb-cccc-000000000000', bytes: 600, progress: 500, size: 1000, speed: 2048, active: true, startedAt: '',
};

function renderTransfers(handlers: Handlers) {
  const transport = new FakeTransport({ listUploads: () => ({ items: [upload] }), ...handlers });
  const stores = createStores(createBridge(transport));
  render(
    <StoresProvider stores={stores}>
      <TransfersView />
    </StoresProvider>,
  );
  void stores.transfers.getState().load();
  return { transport, stores };
}

describe('TransfersView', () => {
  afterEach(cleanup);

  it('pauses every download with one call and shows the answered list', async () => {
    const { transport } = renderTransfers({
      listDownloads: () => ({ items: [download(1, 'downloading'), download(2, 'queued')] }),
      pauseAllDownloads: () => ({ items: [download(1, 'paused'), download(2, 'paused')] }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Pause all' }));
    await screen.findByRole('button', { name: 'Resume all' });
    expect(screen.queryByRole('button', { name: 'Pause all' })).toBeNull();
    expect(transport.calls.filter((c) => c.route === 'pauseAllDownloads')).toHaveLength(1);
    expect(transport.calls.some((c) => c.route === 'pauseDownload')).toBe(false);
  });

  it('resumes every paused download with one call', async () => {
    const { transport } = renderTransfers({
      listDownloads: () => ({ items: [download(1, 'paused'), download(2, 'completed')] }),
      resumeAllDownloads: () => ({ items: [download(1, 'downloading'), download(2, 'completed')] }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Resume all' }));
    await screen.findByRole('button', { name: 'Pause all' });
    expect(transport.calls.filter((c) => c.route === 'resumeAllDownloads')).toHaveLength(1);
  });

  it('shows an upload as one row: the downloader, progress through the file, speed', async () => {
    renderTransfers({ listDownloads: () => ({ items: [] }) });
    const row = await screen.findByTestId('upload');
    expect(row.textContent).toContain('reef.flac');
    expect(row.textContent).toContain('to 0f1e2d3c');
    expect(screen.getByRole('progressbar', { name: /Upload of reef.flac/ }).getAttribute('aria-valuenow')).toBe('50');
    expect(row.textContent).toContain(formatSpeed(2048));
    await waitFor(() => expect(screen.queryByText('Nobody is fetching from you right now')).toBeNull());
  });
});
