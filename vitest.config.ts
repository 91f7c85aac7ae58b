import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real nodes with worker pools; two cores are shared between files.
    fileParallelism: true,
    maxWorkers: 2,
    // Generous: a loaded 2-core machine runs process-starting tests 2-3x slower than alone, and a
    // hung test still fails, only later.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every answer a node gives is checked against its route's schema (src-main/core/api/answer-check.ts).
    env: { SHOAL_CHECK_ANSWERS: '1' },
  },
});
