import { describe, expect, it } from 'vitest';
import type { NodeStats } from '../../src-shared/api/node.js';
import { createDashboardStore, MAX_SAMPLES } from './dashboard-store.js';

const stats = (bytesSent: number): NodeStats => ({
  uptimeSeconds: 1, files: 2, locations: 2, totalBytes: 100,
  hashing: { queuedFiles: 0, activeFiles: 0, hashedFiles: 0, failedFiles: 0, queuedBytes: 0, hashedBytes: 0, current: [], scanning: false },
  uploads: { active: 1, served: 0, bytesSent }, memory: { rssBytes: 0, heapUsedBytes: 0 },
});

describe('dashboard samples', () => {
  it('turns the growth of bytes sent into an upload rate, and keeps half an hour', () => {
    const store = createDashboardStore({ getStats: async () => stats(0) });
    store.getState().addStats(stats(0), 0, 0);
    store.getState().addStats(stats(50_000), 1234, 5_000);
    const [, second] = store.getState().samples;
    expect(second).toMatchObject({ uploadRate: 10_000, downloadRate: 1234, t: 5 });
    for (let i = 0; i < MAX_SAMPLES + 10; i++) store.getState().addStats(stats(0), 0, 10_000 + i * 5_000);
    expect(store.getState().samples).toHaveLength(MAX_SAMPLES);
  });
});
