// `startNode` gives a test real nodes and stops them (deleting their folders) when it ends.
import { test as base } from '@playwright/test';
import { startShoal, type ShoalOptions, type ShoalProcess } from './shoal-process.js';

export const test = base.extend<{ startNode: (o?: ShoalOptions) => Promise<ShoalProcess> }>({
  startNode: async ({}, use) => { // eslint-disable-line no-empty-pattern -- Playwright reads the fixture's parameters
    const started: ShoalProcess[] = [];
    await use(async (o) => {
      const node = await startShoal(o);
      started.push(node);
      return node;
    });
    await Promise.all(started.map((n) => n.stop()));
  },
});

export { expect } from '@playwright/test';
