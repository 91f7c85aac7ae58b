// Who is asking, as the library's permissions see it: the local user sees everything; a peer sees
// what is shared with everyone, plus what is shared with its device when the request proved which
// device it is (the TLS client key: tls-peer-id.ts). An unproven claim (X-Shoal-Peer) never counts.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { tlsPeerNodeId } from '../identity/tls-peer-id.js';

export type Viewer = 'local' | { device: string | null };

/** A peer that proved no identity: plain HTTP, curl, a browser, a web seed. */
export const ANONYMOUS: Viewer = { device: null };

/** The node id a request proved (its TLS client certificate's key), or undefined. */
export function requesterId(req: IncomingMessage): string | undefined {
  return tlsPeerNodeId(req.socket as Socket);
}

/** The viewer a request is: the local user, or a peer with its proven device (if any). */
export function viewerOf(req: IncomingMessage, isLocalUser: boolean): Viewer {
  return isLocalUser ? 'local' : { device: requesterId(req) ?? null };
}
