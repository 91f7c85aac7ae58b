import { describe, expect, it } from 'vitest';
import { createBridge } from '../bridge/create-bridge.js';
import { FakeTransport } from '../test-support/fake-transport.js';
import { createStores } from './create-stores.js';

const view = (state: string, bytes: number) => ({
  id: '11111111-2222-3333-4444-555555555555', fileId: 'c'.repeat(64), name: 'sea.mp4', size: 1000, state, bytesVerified: bytes,
  piecesVerified: 0, pieceCount: 1, speed: 0, etaSeconds: null, sources: [], path: null, error: null, createdAt: '', completedAt: null,
});

describe('stores fed by events', () => {
  it('transfer events update the download in place; malformed ones are ignored', () => {
    const transport = new FakeTransport();
    const stores = createStores(createBridge(transport));
    transport.emit('transfer_progress', view('downloading', 10));
    transport.emit('transfer_progress', view('downloading', 500));
    transport.emit('transfer_progress', { id: 'broken' });
    transport.emit('transfer_completed', view('completed', 1000));
    const { downloads } = stores.transfers.getState();
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({ state: 'completed', bytesVerified: 1000 });
    stores.dispose();
  });

  it('the connection state follows the transport, for the banner', () => {
    const transport = new FakeTransport();
    const stores = createStores(createBridge(transport));
    transport.setConnection('lost');
    expect(stores.network.getState().connection).toBe('lost');
    transport.setConnection('open');
    expect(stores.network.getState().connection).toBe('open');
    stores.dispose();
  });
});

describe('download actions', () => {
  it('an answer that arrives after newer events does not bring back an old state', async () => {
    const transport: FakeTransport = new FakeTransport({
      startDownload: () => {
        // The download completes, and its events arrive, before the start answer is read.
        transport.emit('transfer_progress', view('downloading', 500));
        transport.emit('transfer_completed', view('completed', 1000));
        return view('finding', 0);
      },
    });
    const stores = createStores(createBridge(transport));
    await stores.transfers.getState().start('c'.repeat(64));
    expect(stores.transfers.getState().downloads[0]?.state).toBe('completed');
    stores.dispose();
  });
});
