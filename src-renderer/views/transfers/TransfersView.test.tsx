// @vitest-environment happy-dom
// Transfers: Pause all / Resume all as one call each, and an upload row per downloader and file.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeIdFromPublicKey, shortNodeId } from '../../../src-shared/node-id.js';
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
const downloaderId = nodeIdFromPublicKey(new Uint8Array(32).fill(3));
const upload = {
  id: 7, fileId: 'a'.repeat(64), name: 'reef.flac', peer: downloaderId, address: '10.0.0.2',
  peerId: downloaderId, bytes: 600, progress: 500, size: 1000, speed: 2048, active: true, encrypted: true, startedAt: '',
};
const source = (name: string | null, seed: number, extra: object) => ({
  url: `http://10.0.0.${seed}:9001/api/v1/download/x`, peerId: nodeIdFromPublicKey(new Uint8Array(32).fill(seed)), name,
  state: 'active', bytes: 0, speed: 0, reason: null, encrypted: true, rttMs: null, ...extra,
});

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
    renderTransfers({ listDownloads: () => ({ items: [] }) }); // no index answers: no name known
    const row = await screen.findByTestId('upload');
    expect(row.textContent).toContain('reef.flac');
    // Known by its id (short form, full id and address on hover) until the index names it.
    expect(row.textContent).toContain(`to ${shortNodeId(downloaderId)}`);
    expect(within(row).getByTestId('peer-name').title).toBe(`Node id: ${downloaderId}\nAddress: 10.0.0.2`);
    expect(within(row).getByTestId('lock').dataset.encrypted).toBe('true');

    expect(screen.getByRole('progressbar', { name: /Upload of reef.flac/ }).getAttribute('aria-valuenow')).toBe('50');
    expect(row.textContent).toContain(formatSpeed(2048));
    expect(within(screen.getByRole('region', { name: 'Uploads' })).getAllByTestId('upload')).toEqual([row]);
  });

  it('says nobody is fetching from you when there is no upload', async () => {
    const { transport } = renderTransfers({ listDownloads: () => ({ items: [] }), listUploads: () => ({ items: [] }) });
    const uploads = screen.getByRole('region', { name: 'Uploads' });
    await waitFor(() => expect(transport.calls.some((c) => c.route === 'listUploads')).toBe(true));
    expect(await within(uploads).findByText('Nobody is fetching from you right now')).toBeTruthy();
    expect(within(uploads).queryByTestId('upload')).toBeNull();
  });

  it('names a downloader as the index does, with its short id', async () => {
    renderTransfers({
      listDownloads: () => ({ items: [] }),
      getNetworkTopology: () => ({ nodes: [{ id: downloaderId, role: 'peer', name: 'reef-laptop', status: 'online', fileCount: 1, reputation: 50 }], edges: [] }),
    });
    const row = await screen.findByTestId('upload');
    await waitFor(() => expect(row.textContent).toContain(`to reef-laptop${shortNodeId(downloaderId)}`));
  });

  it('names a download\u2019s sources, with a lock on each encrypted one and on the download when all are', async () => {
    renderTransfers({
      listUploads: () => ({ items: [] }),
      listDownloads: () => ({ items: [{ ...download(1, 'downloading', 100), sources: [source('alice', 5, { bytes: 10 }), source(null, 6, { state: 'dropped', encrypted: false, reason: 'refused' })] }] }),
    });
    const sources = await screen.findByTestId('download-sources');
    expect(sources.querySelector('summary')?.textContent).toContain('2 sources (1 active)');
    expect(within(sources.querySelector('summary') as HTMLElement).getByTestId('lock').dataset.encrypted).toBe('true');
    const names = within(sources).getAllByTestId('peer-name');
    expect(names.map((n) => n.textContent)).toEqual(['alice', shortNodeId(nodeIdFromPublicKey(new Uint8Array(32).fill(6)))]);
    expect(names[0]?.title).toContain('Address: 10.0.0.5:9001');
    expect(sources.textContent).toContain('dropped · refused');
    expect(within(sources).getAllByTestId('lock').map((l) => l.dataset.encrypted)).toEqual(['true', 'true', 'false']);
  });

  it('says which sources serve and which wait as standbys, and how far each is', async () => {
    renderTransfers({
      listUploads: () => ({ items: [] }),
      listDownloads: () => ({ items: [{ ...download(1, 'downloading', 100), sources: [
        source('near', 5, { rttMs: 3 }), source('next-door', 6, { rttMs: 0 }), source('far', 7, { state: 'standby', rttMs: 240 }),
      ] }] }),
    });
    const sources = await screen.findByTestId('download-sources');
    expect(sources.querySelector('summary')?.textContent).toContain('3 sources (2 active, 1 standby)');
    const rows = within(sources).getAllByRole('listitem');
    expect(rows.map((r) => r.dataset.state)).toEqual(['active', 'active', 'standby']);
    expect(rows[0]?.textContent).toContain('3 ms away');
    expect(rows[1]?.textContent).toContain('under 1 ms away');
    expect(rows[2]?.textContent).toContain('standby (nearer sources serve) · 240 ms away');
  });
});
