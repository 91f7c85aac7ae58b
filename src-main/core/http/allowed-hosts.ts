// DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1 and then call
// this node as "same origin". Its requests still say `Host: evil.example`, so the UI, the control
// routes and the local user's /ws answer only requests addressed to the node's own names.
// An IP literal is always accepted: a browser sends one only when it connected to that address,
// so a request that reaches the node under an IP was meant for it (loopback, a LAN address, the
// address a router forwards). Names: localhost and *.localhost (RFC 6761: always loopback), and
// the ones configured (`peer.allowed_hosts`, and `peer.host` when it is a name).
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export class AllowedHosts {
  private readonly names: ReadonlySet<string>;

  constructor(names: readonly string[]) {
    this.names = new Set(names.map(normalName));
  }

  /** Whether a `Host` header (name or address, with or without a port) names this node. */
  allows(host: string | undefined): boolean {
    const name = hostName(host);
    if (name === undefined || name === '') return false;
    return isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost') || this.names.has(name);
  }

  /**
   * Whether an upgrade may open a WebSocket: a browser always sends `Origin`, and only a page the
   * node itself served (same scheme-less host and port as the request, a host it allows) may
   * connect. Clients that are not browsers send no Origin; the token alone decides for them.
   */
  admitsSocket(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    let originHost: string;
    try {
      originHost = new URL(origin).host; // "null" (sandboxed frames, file:) throws and is refused
    } catch {
      return false;
    }
    const host = req.headers.host;
    return host !== undefined && originHost.toLowerCase() === host.toLowerCase() && this.allows(host);
  }
}

/** `example.com:9001` → `example.com`; `[::1]:9001` → `::1`; lower case, no trailing dot. */
function hostName(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const trimmed = host.trim();
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']');
    return end < 0 ? undefined : trimmed.slice(1, end).toLowerCase();
  }
  const colon = trimmed.indexOf(':');
  return normalName(colon < 0 ? trimmed : trimmed.slice(0, colon));
}

function normalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
