// Who may still use plain HTTP on a port that speaks TLS too (tls-sniff.ts). By default everyone:
// curl, aria2c, BitTorrent web seeds and browsers need it. With security.allow_plain_http off,
// only the local user does: requests carrying the control token, and the UI's own page and assets
// asked from loopback (they carry no token). Everyone else must come over TLS, and gets
// 403 PLAIN_HTTP_REFUSED in plain.
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { ShoalError } from '../../../src-shared/errors.js';
import { isLoopback } from '../net/remote-address.js';
import { refuseWithError } from './event-socket.js';

export interface PlainHttpPolicy {
  /** Whether strangers may use plain HTTP: read for every request, so a change in Settings applies at once. */
  allowed(): boolean;
  /** The local user (the control token, from an allowed place). */
  isLocalUser(req: IncomingMessage): boolean;
}

export function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}

function plainRefused(policy: PlainHttpPolicy, req: IncomingMessage): boolean {
  if (isEncrypted(req) || policy.allowed() || policy.isLocalUser(req)) return false;
  const path = req.url ?? '/';
  const uiAsset = !path.startsWith('/api/') && !path.startsWith('/ws');
  return !(uiAsset && isLoopback(req.socket.remoteAddress));
}

/** `next`, for requests the policy lets through in plain HTTP. */
export function refusePlain(policy: PlainHttpPolicy, next: RequestListener): RequestListener {
  return (req, res) => {
    if (!plainRefused(policy, req)) {
      next(req, res);
      return;
    }
    const error = new ShoalError('PLAIN_HTTP_REFUSED');
    const body = JSON.stringify(error.toBody());
    res.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  };
}

/** The same for a WebSocket upgrade: ended here, before the event socket sees it. */
export function refusePlainUpgrade(policy: PlainHttpPolicy, req: IncomingMessage, socket: Duplex): void {
  if (socket.destroyed || socket.writableEnded || !plainRefused(policy, req)) return;
  refuseWithError(socket, new ShoalError('PLAIN_HTTP_REFUSED'));
}
