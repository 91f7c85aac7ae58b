// The index port's read-only network dashboard at `/` (the seed's dashboard on :8080): the built
// page (out/dashboard, from src-renderer/index-dashboard) and its hashed assets, nothing else. The page
// reads only the public index API (/api/v1/stats, /peers, /topology, /federation and /ws), so it
// needs and holds no secret; every answer carries a strict policy (no inline script, no framing,
// nosniff). Any other path falls through to the catalogue's JSON 404.
import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../../../src-shared/content-security-policy.js';

/** out/dashboard, found from src-main/core/index (tsx, vitest) or out/src-main/core/index (built). */
export function defaultDashboardDirectory(): string {
  for (const up of ['../../../out/dashboard', '../../../dashboard']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return fileURLToPath(new URL('../../../out/dashboard', import.meta.url));
}

/** Sent with the page and every asset: the app's own CSP (frame-ancestors 'none', no inline script) and friends. */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const NOT_BUILT = 'This is a Shoal index server, but its dashboard is not built here (run `npm run build`).\nIts API is described at /api/v1/openapi.json.\n';

export function serveDashboard(app: express.Express, directory = defaultDashboardDirectory()): void {
  const page = join(directory, 'index.html');
  const secure = (res: express.Response) => res.set(DASHBOARD_HEADERS);
  // Hashed names never change content. A missing asset falls through to the JSON 404.
  app.use('/assets', express.static(join(directory, 'assets'), {
    immutable: true, maxAge: '1y', index: false, redirect: false, fallthrough: true, setHeaders: secure,
  }));
  app.get('/', (_req, res) => {
    secure(res).set('Cache-Control', 'no-cache');
    if (existsSync(page)) res.sendFile(page);
    else res.status(200).type('text/plain').send(NOT_BUILT);
  });
}
