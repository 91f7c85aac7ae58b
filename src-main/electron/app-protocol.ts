// The renderer is loaded from app://shoal/, not file://: a standard, secure origin of its own, so
// the CSP, the History-API routes and the IPC sender check all have one origin to hold to.
import type { CustomScheme, Protocol } from 'electron';
import mime from 'mime-types';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/content-security-policy.js';

export const APP_ORIGIN = 'app://shoal';

export const appScheme: CustomScheme = {
  scheme: 'app',
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

export function isAppUrl(url: string): boolean {
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
}

/**
 * The file under `root` an app:// address names, or null. Paths without an extension are the
 * app's own routes (/search, /transfers) and get index.html; nothing outside `root` is reachable.
 */
export function resolveAppAsset(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'app:' || parsed.host !== 'shoal') return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (extname(path) === '') return join(root, 'index.html');
  const file = normalize(join(root, path));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

export async function answerAppRequest(root: string, url: string): Promise<Response> {
  const file = resolveAppAsset(root, url);
  const headers = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' };
  if (file === null) return new Response('Not found', { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { ...headers, 'content-type': mime.contentType(extname(file)) || 'application/octet-stream' } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

export function serveApp(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle('app', (request) => answerAppRequest(root, request.url));
}
