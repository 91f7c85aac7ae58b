// What strangers may open and send on one port: connections at once (in all and per address) and
// requests per address per window. A refusal is a small catalogue error written before the app
// sees the request, so a flood costs the node a parse and a few bytes per request, not a route.
// It is sent after a pause (at most its Retry-After): a client that honours Retry-After loses
// nothing, and one that loops as fast as it is answered is slowed to a request a second per
// connection, instead of taking every turn of the event loop (`npm run bench -- abuse`).
// The local user is told apart by the control token, not by address (strangers can be on
// loopback too): an over-limit connection still gets its requests answered if they carry it, so
// the UI and the control calls work during a flood.
// An address at or far over its limits is refused more cheaply still, at accept (accept-refusal.ts):
// a new connection from an address already holding its maximum of connections, or that has made twice its
// requests of the window, is held a second unread and reset, before any TLS sniff, handshake or parse. Every refusal
// there would otherwise cost an HTTP parse and a timer. Never on an address the local user may
// be on (127.0.0.1, ::1, and any address a request proved the token from): there the token can
// only be read request by request, so the refusals above stay.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ShoalError } from '../../../src-shared/errors.js';
import { refuseWithError } from './event-socket.js';
import { plainAddress } from '../net/remote-address.js';

export interface ServingLimits {
  /** Connections open at once; beyond, strangers' requests get 503 CONNECTIONS_FULL. */
  maxConnections: number;
  /**
   * Connections open at once from one address; beyond, a stranger's new connection is closed at
   * accept, and the local user's addresses get 429 TOO_MANY_CONNECTIONS (they cannot be told apart
   * before a request shows the token).
   */
  maxConnectionsPerAddress: number;
  /** Requests one address may make per window (429 RATE_LIMITED beyond); 0 = no limit. */
  maxRequestsPerAddress: number;
  requestWindowMs: number;
  /** Who may not come in at all (network filter, blocked devices: access/access-gate.ts); checked first. */
  gate?: { refusal(req: IncomingMessage): ShoalError | undefined };
}

/** How long an over-limit connection may stay open without a request. */
const OVER_LIMIT_IDLE_MS = 5_000;
const CONNECTION_RETRY_AFTER_S = 1;
/** The longest a refusal waits before it is sent. */
const MAX_REFUSAL_DELAY_MS = 1_000;
/** An address that has made this many times its requests of the window is refused at accept until the window ends. */
const FAR_OVER_REQUESTS = 2;
/** Addresses refused at accept for their request rate, remembered at most (expired ones go first). */
const MAX_SHUNNED = 4_096;
/** Where the local user may be before any request of its proved the token: the addresses a local client uses. */
const LOCAL_USER_ADDRESSES = ['127.0.0.1', '::1'];
/** Other addresses a request proved the token from, remembered at most (the oldest is forgotten). */
const MAX_LOCAL_USER_ADDRESSES = 16;
/** Refusals at accept are logged once per this window, as a count. */
const REFUSAL_LOG_MS = 10_000;
/** Addresses named in one such log line, at most. */
const LOGGED_ADDRESSES = 8;

/** The guard watching each server: the TLS sniffer (tls-sniff.ts) holds connections not yet handed over within limits no lower than its. */
const guards = new WeakMap<Server, ConnectionGuard>();

export function guardOf(server: Server): ConnectionGuard | undefined {
  return guards.get(server);
}

export class ConnectionGuard {
  private open = 0;
  private readonly perAddress = new Map<string, number>();
  /** Connections accepted past a limit, with the error their strangers' requests get. */
  private readonly overLimit = new WeakMap<Socket, ShoalError>();
  private readonly counted = new WeakSet<Socket>();
  private readonly requests: RateLimiterMemory | undefined;
  /** Addresses far over their request rate, with when their window ends. */
  private readonly shunned = new Map<string, number>();
  private readonly localUserAddresses = new Set(LOCAL_USER_ADDRESSES);
  /** Connections refused at accept since the start (in the log). */
  private refusedAtAccept = 0;
  /** Refused at accept since the last log line (in all, and by address for the first few), while a log window is open. */
  private unlogged: { refused: number; byAddress: Map<string, number> } | undefined;

  constructor(private readonly limits: ServingLimits, private readonly isLocalUser: (req: IncomingMessage) => boolean, private readonly logger?: Pick<Logger, 'warn'>) {
    this.requests = limits.maxRequestsPerAddress > 0
      ? new RateLimiterMemory({ points: limits.maxRequestsPerAddress, duration: limits.requestWindowMs / 1000 })
      : undefined;
  }

  /**
   * Whether a new connection from `remoteAddress` is refused at accept, before anything is read
   * from it: its address holds its maximum of connections or is far over its request rate, and
   * the local user is not on it. Counts and logs the refusal.
   */
  refusesAtAccept(remoteAddress: string | undefined): boolean {
    const address = addressOf({ remoteAddress });
    if (this.localUserAddresses.has(address)) return false;
    const full = (this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress;
    if (!full && !this.isShunned(address)) return false;
    this.refusedAtAccept++;
    this.noteRefusal(address);
    return true;
  }

  /** Connections open at once, in all and from one address. */
  get connectionLimits(): Pick<ServingLimits, 'maxConnections' | 'maxConnectionsPerAddress'> {
    return this.limits;
  }

  /** Counts the server's connections; an upgraded one (/ws) leaves the count: event-socket.ts caps those. */
  watch(server: Server): void {
    guards.set(server, this);
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      this.release(req.socket as Socket);
      // Before the event socket sees it (it skips an upgrade already answered).
      const denied = this.isLocalUser(req) ? undefined : this.limits.gate?.refusal(req);
      if (denied) refuseWithError(socket, denied);
    });
  }

  /** `next`, behind the limits. */
  wrap(next: RequestListener): RequestListener {
    return (req, res) => {
      if (this.isLocalUser(req)) {
        this.rememberLocalUser(addressOf(req.socket));
        next(req, res);
        return;
      }
      const denied = this.limits.gate?.refusal(req);
      if (denied) {
        refuse(res, denied, -1, true);
        return;
      }
      const refused = this.overLimit.get(req.socket as Socket);
      if (refused) {
        refuse(res, refused, CONNECTION_RETRY_AFTER_S * 1000, true);
        return;
      }
      if (!this.requests) {
        next(req, res);
        return;
      }
      const address = addressOf(req.socket);
      this.requests.consume(address).then(
        () => next(req, res),
        (limited: unknown) => {
          // Only a RateLimiterRes means "over the limit"; anything else is the limiter's fault, not the client's.
          if (!(limited instanceof RateLimiterRes)) {
            next(req, res);
            return;
          }
          if (limited.consumedPoints >= FAR_OVER_REQUESTS * this.limits.maxRequestsPerAddress) this.shun(address, limited.msBeforeNext);
          refuse(res, new ShoalError('RATE_LIMITED'), limited.msBeforeNext, false);
        },
      );
    };
  }

  private admit(socket: Socket): void {
    const address = addressOf(socket);
    const fromAddress = (this.perAddress.get(address) ?? 0) + 1;
    this.open++;
    this.perAddress.set(address, fromAddress);
    this.counted.add(socket);
    socket.once('close', () => this.release(socket));
    if (fromAddress > this.limits.maxConnectionsPerAddress) this.overLimit.set(socket, new ShoalError('TOO_MANY_CONNECTIONS'));
    else if (this.open > this.limits.maxConnections) this.overLimit.set(socket, new ShoalError('CONNECTIONS_FULL'));
    // Held only long enough to show a token; a stranger's is answered and closed at once.
    if (this.overLimit.has(socket)) socket.setTimeout(OVER_LIMIT_IDLE_MS, () => socket.destroy());
  }

  private isShunned(address: string): boolean {
    const until = this.shunned.get(address);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.shunned.delete(address);
    return false;
  }

  private shun(address: string, forMs: number): void {
    if (this.shunned.size >= MAX_SHUNNED && !this.shunned.has(address)) {
      const now = Date.now();
      for (const [other, until] of this.shunned) if (until <= now) this.shunned.delete(other);
      if (this.shunned.size >= MAX_SHUNNED) return; // the per-request refusals still apply
    }
    this.shunned.set(address, Date.now() + forMs);
  }

  private rememberLocalUser(address: string): void {
    if (this.localUserAddresses.has(address)) return;
    const extra = [...this.localUserAddresses].filter((a) => !LOCAL_USER_ADDRESSES.includes(a));
    if (extra.length >= MAX_LOCAL_USER_ADDRESSES) this.localUserAddresses.delete(extra[0] as string);
    this.localUserAddresses.add(address);
  }

  /** A warning at the first refusal, then at most one per window (a count) while a flood lasts, not one per connection. */
  private noteRefusal(address: string): void {
    if (!this.logger) return;
    if (this.unlogged) {
      const { byAddress } = this.unlogged;
      this.unlogged.refused++;
      if (byAddress.has(address) || byAddress.size < LOGGED_ADDRESSES) byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
      return;
    }
    this.logger.warn({ address, refusedInAll: this.refusedAtAccept }, 'refusing connections at accept: the address is far over the connection or request limits');
    const window = { refused: 0, byAddress: new Map<string, number>() };
    this.unlogged = window;
    setTimeout(() => {
      this.unlogged = undefined;
      if (window.refused === 0) return;
      const addresses = Object.fromEntries(window.byAddress);
      this.logger?.warn({ refused: window.refused, addresses, windowMs: REFUSAL_LOG_MS, refusedInAll: this.refusedAtAccept }, 'connections refused at accept: their addresses are far over the connection or request limits');
    }, REFUSAL_LOG_MS).unref();
  }

  private release(socket: Socket): void {
    if (!this.counted.delete(socket)) return;
    this.open--;
    const address = addressOf(socket);
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}

function addressOf(socket: { remoteAddress?: string | undefined }): string {
  return plainAddress(socket.remoteAddress ?? 'unknown');
}

/** `retryAfterMs` < 0: no Retry-After, sent at once (a refusal that waiting does not change). */
function refuse(res: ServerResponse, error: ShoalError, retryAfterMs: number, close: boolean): void {
  const body = JSON.stringify(error.toBody());
  const send = () => {
    if (res.socket?.destroyed ?? true) return;
    res.writeHead(error.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...(retryAfterMs >= 0 ? { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } : {}),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(body);
  };
  setTimeout(send, Math.min(MAX_REFUSAL_DELAY_MS, Math.max(0, retryAfterMs))).unref();
}
