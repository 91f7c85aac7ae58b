// The uploads list: one row per (downloader, file) across its range requests, lingering between
// them, with progress as the distinct bytes of the file sent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LINGER_MS, UploadTracker } from '../../src-main/core/transfers/upload-tracker.js';

const FILE = 'a'.repeat(64);
const limits = () => ({ maxUploads: 10, maxUploadsPerPeer: 4, uploadQuotaPerPeer: 0 });
const request = (start: number, extra: Partial<{ peer: string; peerId: string | null; fileId: string }> = {}) => ({
  fileId: FILE, name: 'reef.bin', size: 1000, start, peer: '10.0.0.2', ...extra,
});

describe('UploadTracker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('joins back-to-back ranges of one downloader into one row and counts distinct bytes as progress', () => {
    const tracker = new UploadTracker(limits);
    const first = tracker.begin(request(0), () => undefined);
    first.sent(400);
    first.end(true);
    expect(tracker.active).toBe(0); // the slot is free between ranges
    vi.advanceTimersByTime(LINGER_MS - 100);
    const second = tracker.begin(request(300), () => undefined); // overlaps 100 bytes already sent
    second.sent(700);
    second.end(true);
    const rows = tracker.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bytes: 1100, progress: 1000, size: 1000, active: false, peer: '10.0.0.2', address: '10.0.0.2', peerId: null });
    vi.advanceTimersByTime(LINGER_MS + 1);
    expect(tracker.list()).toHaveLength(0);
  });

  it('keeps separate rows per file and per downloader, naming a row by the node id it sent', () => {
    const tracker = new UploadTracker(limits);
    tracker.begin(request(0, { peerId: 'node-one' }), () => undefined);
    tracker.begin(request(0, { peerId: 'node-two' }), () => undefined);
    tracker.begin(request(0, { peerId: 'node-two', fileId: 'b'.repeat(64) }), () => undefined);
    tracker.begin(request(500, { peerId: 'node-two' }), () => undefined);
    const rows = tracker.list();
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.peer).sort()).toEqual(['node-one', 'node-two', 'node-two']);
    expect(rows.every((r) => r.active)).toBe(true);
    expect(tracker.active).toBe(4);
    tracker.close();
  });

  it('keys a proven device\u2019s row by its id from any address, and anyone else\u2019s by address alone', () => {
    const tracker = new UploadTracker(limits);
    tracker.begin(request(0, { peerId: 'node-one', peer: '10.0.0.2' }), () => undefined).end(true);
    tracker.begin(request(0, { peerId: 'node-one', peer: '10.0.0.3' }), () => undefined).end(true);
    tracker.begin(request(0, { peer: '10.0.0.2' }), () => undefined).end(true);
    tracker.begin(request(0, { peer: '10.0.0.2' }), () => undefined).end(true);
    const rows = tracker.list();
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual(expect.objectContaining({ peer: 'node-one', peerId: 'node-one', address: '10.0.0.3' }));
    expect(rows).toContainEqual(expect.objectContaining({ peer: '10.0.0.2', peerId: null, address: '10.0.0.2' }));
    tracker.close();
  });
});
