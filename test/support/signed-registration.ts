// Registering by hand, as the protocol wants it: a node key, a challenge from the index, a
// signature, and a real server at the claimed address that answers the index's call-back with
// the key's proof. Tests that pose as peers (fake, hostile, crowds of them) use these; a real
// Shoal node does the same in index-client.ts and peer-handlers.ts.
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { NodeTls } from '../../src-main/core/net/node-tls.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegisterRequest } from '../../src-shared/api/index-routes.js';
import { PROTOCOL_VERSION } from '../../src-shared/api/protocol.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { registrationStatement, statement } from '../../src-main/core/identity/signed-statement.js';

/** What a node answers to /api/v1/info (with the proof when the index sent a challenge). */
export function infoAnswer(key: NodeKey, url: string | undefined, extra: { name?: string; fileCount?: number; totalBytes?: number } = {}) {
  const challenge = new URL(url ?? '/', 'http://x').searchParams.get('challenge');
  return {
    id: key.id, name: extra.name ?? 'test peer', version: '0', apiVersion: 'v1', protocol: PROTOCOL_VERSION, roles: ['peer'], port: 0,
    indexPort: null, startedAt: new Date().toISOString(), fileCount: extra.fileCount ?? 0, totalBytes: extra.totalBytes ?? 0,
    ...(challenge ? { proof: key.sign(statement('address', [challenge])) } : {}),
  };
}

/** True when `url` asks for a node's info (with or without a challenge). */
export const isInfoRequest = (url: string | undefined): boolean => url === '/api/v1/info' || !!url?.startsWith('/api/v1/info?');

export interface AddressResponder {
  key: NodeKey;
  id: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A real server on `host` that answers the index's call-back for `key` and nothing else.
 * `keyTls`: the key's TLS identity, when the caller keeps one (making it takes milliseconds).
 */
export async function startAddressResponder(key = NodeKey.generate(), host = '127.0.0.1', keyTls?: NodeTls): Promise<AddressResponder> {
  return listenResponder(addressResponderServer(key, keyTls ?? (await NodeTls.create(key))), key, host);
}

/**
 * The server of startAddressResponder, not listening yet. A caller that registers the same key
 * again keeps it and listens again (listenResponder), as a real node's server runs all along:
 * making one makes its TLS context, ~1-2 ms of CPU.
 */
export function addressResponderServer(key: NodeKey, keyTls: NodeTls): http.Server {
  const server = http.createServer((req, res) => {
    if (!isInfoRequest(req.url)) return void res.writeHead(404).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(infoAnswer(key, req.url)));
  });
  // The index calls back over TLS (to this key) when it encrypts, as a real node's port answers.
  acceptTlsToo(server, keyTls.serverOptions);
  return server;
}

/**
 * Listens with a responder server on `host`, until closed (it may listen again after): on `port`
 * when given and free (a node keeps its port), else on a free one.
 */
export async function listenResponder(server: http.Server, key: NodeKey, host = '127.0.0.1', port = 0): Promise<AddressResponder> {
  const listen = (p: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(port).catch((err: NodeJS.ErrnoException) => {
    if (port === 0 || err.code !== 'EADDRINUSE') throw err;
    return listen(0);
  });
  return {
    key, id: key.id, port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type HandRegistration = Omit<RegisterRequest, 'peerId' | 'challenge' | 'signature' | 'protocol'> & { protocol?: number };

/**
 * Posts a registration for `key` to the index at `indexBase` (http://host:port): asks a
 * challenge, signs, sends. Returns the raw answer, so tests can look at refusals too.
 */
export async function postRegistration(indexBase: string, key: NodeKey, body: HandRegistration): Promise<Response> {
  const given = (await (await fetch(`${indexBase}/api/v1/peers/challenge`)).json()) as { indexId: string; challenge: string };
  return fetch(`${indexBase}/api/v1/peers/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signedRegistration(key, body, given)),
  });
}

/** The registration body for `key`, signed over the challenge the index gave. */
export function signedRegistration(key: NodeKey, body: HandRegistration, given: { indexId: string; challenge: string }) {
  const signature = key.sign(registrationStatement({ indexId: given.indexId, challenge: given.challenge, peerId: key.id, address: body.address, port: body.port }));
  return { protocol: PROTOCOL_VERSION, ...body, peerId: key.id, challenge: given.challenge, signature };
}
