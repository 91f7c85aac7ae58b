// Posing as many peers, from other loopback addresses (Linux routes all of 127/8 to lo): a
// registration sent from a chosen source address, and responders for the index's call-back
// listening on a chosen address. What signed-registration.ts does from 127.0.0.1 only.
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { NodeTls } from '../../src-main/core/net/node-tls.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION } from '../../src-shared/api/protocol.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { registrationStatement } from '../../src-main/core/identity/signed-statement.js';
import { infoAnswer, isInfoRequest, type AddressResponder, type HandRegistration } from './signed-registration.js';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = unknown>(): T;
}

/** One HTTP request from `localAddress` (a loopback address of the test's choice). */
export function requestFrom(localAddress: string, url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const u = new URL(url);
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: init.method ?? 'GET', localAddress, agent: false,
      headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...init.headers },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A registration for `key` sent from `localAddress`: a challenge, the signature, the post. */
export async function registerFrom(localAddress: string, indexBase: string, key: NodeKey, body: HandRegistration): Promise<RawAnswer> {
  const { indexId, challenge } = (await requestFrom(localAddress, `${indexBase}/api/v1/peers/challenge`)).json<{ indexId: string; challenge: string }>();
  const signature = key.sign(registrationStatement({ indexId, challenge, peerId: key.id, address: body.address, port: body.port }));
  return requestFrom(localAddress, `${indexBase}/api/v1/peers/register`, {
    method: 'POST', body: { protocol: PROTOCOL_VERSION, ...body, peerId: key.id, challenge, signature },
  });
}

/** A real server on `host` that answers the index's call-back for `key` (and 404s anything else). */
export async function startResponderOn(host: string, key = NodeKey.generate()): Promise<AddressResponder> {
  const server = http.createServer((req, res) => {
    if (!isInfoRequest(req.url)) return void res.writeHead(404).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(infoAnswer(key, req.url)));
  });
  // The index calls back over TLS (to this key) when it encrypts, as a real node's port answers.
  acceptTlsToo(server, (await NodeTls.create(key)).serverOptions);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    key, id: key.id, port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
