// The web UI on the peer port: the built renderer (out/renderer) at `/`, with a fallback to
// index.html for the app's own routes (/search, /transfers…). The files hold no secret, so they
// are public; the app itself asks for the token and shows "Open the link `shoal serve` printed"
// without it, and every control call still refuses without the token.
import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../../../src-shared/content-security-policy.js';

/** out/renderer, found from src-main/core/http (tsx, vitest) or out/src-main/core/http (built). */
export function defaultRendererDirectory(): string {
  for (const up of ['../../../out/renderer', '../../../renderer']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return fileURLToPath(new URL('../../../out/renderer', import.meta.url));
}

const NOT_BUILT = 'This is a Shoal node, but its web UI is not built here (run `npm run build`).\nIts API is described at /api/v1/openapi.json.\n';

/** Given the request for the page, the Set-Cookie to send with it, if any (the token cookie). */
export type PageCookie = (req: express.Request) => string | undefined;

export function serveRenderer(app: express.Express, directory = defaultRendererDirectory(), pageCookie: PageCookie = () => undefined): void {
  const indexHtml = join(directory, 'index.html');
  // Hashed file names never change content: cache them for good. index.html is always asked again.
  app.use('/assets', express.static(join(directory, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: true }));
  app.use(express.static(directory, { index: false, maxAge: 0 }));
  app.get(['/', '/*splat'], (req, res, next) => {
    if (req.path.startsWith('/api/') || req.path === '/ws' || /\.[a-z0-9]+$/i.test(req.path)) {
      next();
      return;
    }
    if (!existsSync(indexHtml)) {
      res.status(200).type('text/plain').send(NOT_BUILT);
      return;
    }
    const cookie = pageCookie(req);
    if (cookie) res.append('Set-Cookie', cookie);
    res.set('Cache-Control', 'no-cache').set('Referrer-Policy', 'no-referrer').set('Content-Security-Policy', CONTENT_SECURITY_POLICY).sendFile(indexHtml);
  });
}
