// The Network view with 500 nodes lays out, comes to rest and stays usable. Its frame times are
// recorded with requestAnimationFrame while the layout runs and printed as a figure (see
// docs/benchmarks.md, "UI"), not asserted: speed is measured, not timed in tests. The node, its UI and its bridge are real;
// only the topology answer is fed by the test (page.route on that one route), because starting
// 500 peers is not what this measures.
import { loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import type { Topology } from '../src-shared/api/index-routes.js';
import { expect, test } from './support/fixtures.js';
import { saveScreen } from './support/screens.js';

/** Two index servers, 498 peers each registered with one of them, some recent transfers. */
function bigTopology(peers = 498): Topology {
  const nodes: Topology['nodes'] = [
    { id: 'index-a', role: 'index', name: 'index-a', status: 'online', fileCount: 0, reputation: 100, address: '10.0.0.1:8080' },
    { id: 'index-b', role: 'index', name: 'index-b', status: 'online', fileCount: 0, reputation: 100, address: '10.0.0.2:8080' },
  ];
  const edges: Topology['edges'] = [];
  for (let i = 0; i < peers; i++) {
    nodes.push({ id: `peer-${i}`, role: 'peer', name: `peer-${i}`, status: i % 9 ? 'online' : 'offline', fileCount: (i * 37) % 400, reputation: 40 + (i % 60), address: `10.0.${i >> 8}.${i & 255}:7070` });
    edges.push({ source: `peer-${i}`, target: i % 2 ? 'index-a' : 'index-b', kind: 'registration' });
    if (i % 10 === 0 && i > 0) edges.push({ source: `peer-${i}`, target: `peer-${i - 7}`, kind: 'transfer', bytes: 1 << 20 });
  }
  return { nodes, edges };
}

/**
 * Records frame intervals while the layout runs: from its first frame (the view's one-off mount of
 * 500 table rows comes before, and is reported apart as openMs) until the graph says it is at rest.
 */
function recordLayoutFrames(page: Page): Promise<{ frames: number[]; openMs: number; settleMs: number }> {
  return page.evaluate(
    () =>
      new Promise<{ frames: number[]; openMs: number; settleMs: number }>((resolve) => {
        const frames: number[] = [];
        const opened = performance.now();
        let layoutStart = 0;
        let previous = 0;
        const frame = (now: number) => {
          const state = document.querySelector('canvas.graph')?.getAttribute('data-settled');
          if (!layoutStart && state === 'false') layoutStart = now;
          else if (layoutStart) frames.push(now - previous);
          previous = now;
          if (layoutStart && state === 'true') resolve({ frames, openMs: layoutStart - opened, settleMs: now - layoutStart });
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
  );
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

test('the Network view lays out 500 nodes and comes to rest', async ({ page, startNode }, testInfo) => {
  const node = await startNode();
  const topology = bigTopology();
  let answers = 0;
  // The one fed route: the node's own answer would need an index server with 500 registered peers.
  await page.route('**/api/v1/network/topology', (route) => {
    answers++;
    return route.fulfill({ json: topology });
  });
  await page.goto(node.controlUrl);
  await expect(page.getByText('Drop files to share')).toBeVisible();

  const recording = recordLayoutFrames(page);
  await page.getByRole('link', { name: 'Network' }).click();
  const { frames, openMs, settleMs } = await recording;
  await saveScreen(page, testInfo, 'network-500');

  const sorted = [...frames].sort((a, b) => a - b);
  const load = loadavg()[0] ?? 0;
  const figures = {
    load: +load.toFixed(1),
    frames: sorted.length,
    openMs: Math.round(openMs),
    settleMs: Math.round(settleMs),
    p50: +percentile(sorted, 50).toFixed(1),
    p95: +percentile(sorted, 95).toFixed(1),
    max: +(sorted.at(-1) ?? 0).toFixed(1),
  };
  console.log(`500 nodes: ${JSON.stringify(figures)}`);
  testInfo.annotations.push({ type: 'frame times (ms)', description: JSON.stringify(figures) });
  await expect(page.getByTestId('peer-row')).toHaveCount(500);
  expect(figures.frames).toBeGreaterThan(0); // it animated, then came to rest (recordLayoutFrames resolved)

  // At rest the page draws nothing per frame: the next polls (same answer) do not wake the layout,
  // not even for a moment (a watcher counts every turn of data-settled to "false").
  const graph = page.locator('canvas.graph');
  await graph.evaluate((el) => {
    const seen = window as unknown as { layoutWoke: number };
    seen.layoutWoke = 0;
    new MutationObserver(() => void (el.getAttribute('data-settled') === 'false' && seen.layoutWoke++)).observe(el, { attributes: true, attributeFilter: ['data-settled'] });
  });
  const polled = answers;
  // Two more answers: the first has reached the page (and the worker) by the time the second is asked.
  await expect.poll(() => answers, { timeout: 10_000 }).toBeGreaterThan(polled + 1);
  expect(await page.evaluate(() => (window as unknown as { layoutWoke: number }).layoutWoke)).toBe(0);
  await expect(graph).toHaveAttribute('data-settled', 'true');

  // Hover details and zoom still work: the pointer sweeps across the middle until it is over a node.
  const box = await graph.boundingBox();
  if (!box) throw new Error('the graph is not on screen');
  const details = page.getByTestId('graph-details');
  for (let x = box.x + 10; x < box.x + box.width && (await details.textContent())?.startsWith('Hover'); x += 6) await page.mouse.move(x, box.y + box.height / 2);
  await expect(details).toContainText(/ · (peer|index server) · (online|offline) · at 10\.0\.\d+\.\d+:(7070|8080) · /);
  await page.mouse.wheel(0, -300);
  await expect(graph).toHaveAttribute('data-zoom', /^(?!1\.00$)/);
});

test('the Network view stops polling while the tab is hidden', async ({ page, startNode }) => {
  const node = await startNode();
  let answers = 0;
  await page.route('**/api/v1/network/topology', (route) => {
    answers++;
    return route.fulfill({ json: bigTopology(3) }); // fed, as above; the count of asks is what matters
  });
  await page.clock.install(); // the page's time flows as usual until runFor moves it on
  await page.goto(node.controlUrl);
  await page.getByRole('link', { name: 'Network' }).click();
  await expect(page.getByTestId('peer-row')).toHaveCount(5);
  await setHidden(page, true);
  const whenHidden = answers;
  await page.clock.runFor(7_000); // two refresh periods, at once
  await setHidden(page, false);
  // Shown again, it asks at once: that one ask, and none that a timer left running while hidden
  // would have sent before it.
  await expect.poll(() => answers, { timeout: 2_000 }).toBeGreaterThan(whenHidden);
  expect(answers).toBe(whenHidden + 1);
});

/** Headless Chromium never hides its page by itself: set what the page reads, and tell it. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
