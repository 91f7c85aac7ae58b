import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real nodes with worker pools; two cores are shared between files.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every answer a node gives is checked against its route's schema (src-main/core/api/answer-check.ts).
    env: { SHOAL_CHECK_ANSWERS: '1' },
  },
});
