// What the specs that search a real network share: an index server with two peers registered with
// it, and typing into Search until the index knows a file.
import type { Page } from '@playwright/test';
import { expect } from './support/fixtures.js';
import { indexPortOf, type ShoalOptions, type ShoalProcess } from './support/shoal-process.js';

/** The `startNode` fixture. */
export type StartNode = (o?: ShoalOptions) => Promise<ShoalProcess>;

/** An index server (sharing nothing) and two peers, alice and bob, registered with it. */
export async function indexWithTwoPeers(startNode: StartNode) {
  const index = await startNode({ index: true, noShare: true });
  const indexAddress = `127.0.0.1:${await indexPortOf(index)}`;
  const [alice, bob] = await Promise.all([startNode({ indexServers: [indexAddress] }), startNode({ indexServers: [indexAddress] })]);
  return { index, indexAddress, alice, bob };
}

/**
 * Types `query` into Search again until the result named `name` shows (peers hash and register on
 * their own schedule), and returns that result.
 */
export async function searchUntilFound(page: Page, query: string, name: string, timeout: number) {
  const search = page.getByRole('searchbox', { name: 'Search the network' });
  const result = page.getByTestId('search-result').filter({ hasText: name });
  await expect(async () => {
    await search.fill('');
    await search.fill(query);
    await expect(result).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout });
  return result;
}
