// The control token kept for the browser profile: opening the printed `/?token=…` link once sets
// an HttpOnly, SameSite=Strict cookie, so a second tab, a reload or a bookmark of the UI works
// without the token in the address. Page scripts cannot read it (HttpOnly); other sites' pages
// cannot send it (SameSite=Strict). Cookies ignore ports, so its name carries the node's port:
// two nodes on one machine keep their own.
import type { IncomingMessage } from 'node:http';

const PREFIX = 'shoal-token-';
const ONE_YEAR_S = 365 * 24 * 3600;

export function tokenCookieName(localPort: number | undefined): string {
  return `${PREFIX}${localPort ?? 0}`;
}

/** The Set-Cookie value that keeps `token` for this node's origin. */
export function tokenCookie(token: string, localPort: number | undefined): string {
  return `${tokenCookieName(localPort)}=${token}; Path=/; Max-Age=${ONE_YEAR_S}; HttpOnly; SameSite=Strict`;
}

/**
 * The token in the request's cookie, if the request comes from the node's own pages. SameSite
 * keeps other sites out, but every port of 127.0.0.1 is one "site": a page another local program
 * serves could send a form. Browsers say where a request comes from (Sec-Fetch-Site, Origin);
 * a request from anywhere but this origin does not get the cookie's authority.
 */
export function cookieToken(req: IncomingMessage): string | undefined {
  const fetchSite = header(req, 'sec-fetch-site');
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return undefined;
  const origin = header(req, 'origin');
  if (origin !== undefined && !sameOrigin(origin, header(req, 'host'))) return undefined;
  const name = tokenCookieName(req.socket.localPort);
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false; // "null" and other opaque origins
  }
}
