// Who may change the node: the local user, proven by the per-install token, by default only
// from loopback, in a request addressed to the node's own name (allowed-hosts.ts: no DNS
// rebinding). Other peers read the public endpoints and nothing else.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import type { AllowedHosts } from './allowed-hosts.js';
import { plainAddress } from './remote-address.js';
import { ShoalError } from '../../../src-shared/errors.js';

export interface ControlAccessOptions {
  token: string;
  allowRemoteControl: boolean;
  hosts: AllowedHosts;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = plainAddress(address);
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

/** The token a request presents: `Authorization: Bearer …`, `X-Shoal-Token`, or `?token=` (the UI link). */
export function presentedToken(req: Request): string | undefined {
  const auth = req.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const header = req.get('x-shoal-token');
  if (header) return header.trim();
  const query = (req.query as Record<string, unknown>).token;
  return typeof query === 'string' ? query : undefined;
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

  /** The same check for a WebSocket upgrade (a browser can only pass the token in the URL). */
  isLocalUpgrade(req: IncomingMessage): boolean {
    const auth = req.headers.authorization;
    const token = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : new URL(req.url ?? '/', 'http://node').searchParams.get('token') ?? undefined;
    const place = this.o.allowRemoteControl || isLoopback(req.socket.remoteAddress);
    return place && this.o.hosts.allows(req.headers.host) && this.tokenMatches(token);
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
