// The index port's read-only dashboard at `/`: a real index server on port 0 serves the built page
// (out/dashboard) and its assets under a strict policy (no inline script, no framing, nosniff), the
// page holds nothing the public API does not give (no token), and every other path still gets the
// catalogue's JSON 404.
import express from 'express';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/content-security-policy.js';
import { pino } from 'pino';
import { defaultDashboardDirectory, serveDashboard } from '../../src-main/core/index/dashboard-page.js';
import { errorHandler, notFoundHandler } from '../../src-main/core/http/error-handler.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let node: TestNode;
// Requests here stay raw: the page, its assets and unknown paths are no routes of the contract,
// and what is checked is their headers and bytes.
let base: string;

beforeAll(async () => {
  // `npm test` builds first; run alone on a fresh clone, the page is built here.
  if (!existsSync(`${defaultDashboardDirectory()}/index.html`)) {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.dashboard.config.ts', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
  }
  node = await startTestNode({ peer: { share: false }, superPeer: { enabled: true } });
  const info = await node.client.getInfo();
  base = `http://127.0.0.1:${info.indexPort}`;
}, 120_000);

afterAll(async () => {
  await node?.destroy();
});

function expectStrictHeaders(res: Response): void {
  expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
}

async function expectJson404(path: string): Promise<void> {
  const res = await fetch(base + path);
  expect(res.status, path).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
}

describe('the index dashboard', () => {
  it('serves the page at / with a strict policy and no inline script', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expectStrictHeaders(res);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    // Every script is a file of its own: none written inline, which the policy would refuse anyway.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\//);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toContain(node.token);
  });

  it('serves every asset the page names, under the same headers, and none holds the token', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(base + asset);
      expect(res.status, asset).toBe(200);
      expectStrictHeaders(res);
      if (asset.endsWith('.js')) expect(res.headers.get('content-type')).toMatch(/javascript/);
      if (asset.endsWith('.css')) expect(res.headers.get('content-type')).toMatch(/^text\/css/);
      expect(await res.text()).not.toContain(node.token);
    }
  });

  it('still answers the API, and the catalogue\u2019s JSON 404 for any other path', async () => {
    const stats = await fetch(`${base}/api/v1/stats`);
    expect(stats.status).toBe(200);
    expect(stats.headers.get('content-type')).toMatch(/^application\/json/);
    for (const path of ['/nothing-here', '/index.html', '/assets/', '/assets/missing.js', '/assets/../package.json', '/dashboard', '/api/v1/nope']) await expectJson404(path);
    const post = await fetch(`${base}/`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('is not on the peer port: the app keeps `/` there', async () => {
    const res = await fetch(`${node.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('Shoal index server');
  });
});

describe('the index dashboard, not built', () => {
  it('says so in plain text at /, under the same headers, and keeps the JSON 404 for assets', async () => {
    const empty = await makeTempDir();
    const app = express();
    serveDashboard(app, empty.path);
    app.use(notFoundHandler);
    app.use(errorHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const page = await fetch(`${at}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/plain/);
      expectStrictHeaders(page);
      expect(await page.text()).toContain('npm run build');
      const asset = await fetch(`${at}/assets/index.js`);
      expect(asset.status).toBe(404);
      expect(((await asset.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    } finally {
      server.closeAllConnections();
      server.close();
      await empty.remove();
    }
  });
});
