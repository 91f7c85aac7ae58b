// Who may change the node: the local user, proven by the per-install token, by default only
// from loopback, in a request addressed to the node's own name (allowed-hosts.ts: no DNS
// rebinding). Other peers read the public endpoints and nothing else.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import type { AllowedHosts } from './allowed-hosts.js';
import { isLoopback } from '../net/remote-address.js';
import { cookieToken, tokenCookie } from './token-cookie.js';
import { ShoalError } from '../../../src-shared/errors.js';

export interface ControlAccessOptions {
  token: string;
  allowRemoteControl: boolean;
  hosts: AllowedHosts;
}

/**
 * The token a request presents: `Authorization: Bearer …`, `X-Shoal-Token`, `?token=` (the UI
 * link), or the cookie that link set (token-cookie.ts).
 */
export function presentedToken(req: Request): string | undefined {
  const auth = req.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const header = req.get('x-shoal-token');
  if (header) return header.trim();
  const query = (req.query as Record<string, unknown>).token;
  return typeof query === 'string' ? query : cookieToken(req);
}

export class ControlAccess {
  private readonly expected: Buffer;

  constructor(private readonly o: ControlAccessOptions) {
    this.expected = Buffer.from(o.token);
  }

  /** True when the request comes from the local user (right place, right token). */
  isLocalUser(req: Request): boolean {
    return this.placeAllowed(req) && this.o.hosts.allows(req.get('host')) && this.tokenMatches(presentedToken(req));
  }

  /** Whether a request is addressed to one of the node's own names (the web UI checks it). */
  hostAllowed(req: Request): boolean {
    return this.o.hosts.allows(req.get('host'));
  }

  /** Whether an upgrade may open a /ws at all: no page from another origin (see AllowedHosts). */
  admitsSocket(req: IncomingMessage): boolean {
    return this.o.hosts.admitsSocket(req);
  }

  /** The same check for a WebSocket upgrade (a browser passes the token in the URL or the cookie). */
  isLocalUpgrade(req: IncomingMessage): boolean {
    const auth = req.headers.authorization;
    const token = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : new URL(req.url ?? '/', 'http://node').searchParams.get('token') ?? cookieToken(req);
    const place = this.o.allowRemoteControl || isLoopback(req.socket.remoteAddress);
    return place && this.o.hosts.allows(req.headers.host) && this.tokenMatches(token);
  }

  /** The Set-Cookie that keeps the token for the browser profile, when this request proved it in the address. */
  rememberCookie(req: Request): string | undefined {
    const query = (req.query as Record<string, unknown>).token;
    return typeof query === 'string' && this.isLocalUser(req) ? tokenCookie(this.o.token, req.socket.localPort) : undefined;
  }

  /** Throws the catalogue error that explains why this request may not change the node. */
  assertLocalUser(req: Request): void {
    if (!this.placeAllowed(req)) throw new ShoalError('FORBIDDEN_REMOTE');
    if (!this.o.hosts.allows(req.get('host'))) throw new ShoalError('HOST_NOT_ALLOWED');
    if (!this.tokenMatches(presentedToken(req))) throw new ShoalError('UNAUTHORIZED');
  }

  private placeAllowed(req: Request): boolean {
    return this.o.allowRemoteControl || isLoopback(req.socket.remoteAddress);
  }

  private tokenMatches(token: string | undefined): boolean {
    if (!token) return false;
    const given = Buffer.from(token);
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}
