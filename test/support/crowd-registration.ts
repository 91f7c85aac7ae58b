// Posing as many peers, from other loopback addresses (Linux routes all of 127/8 to lo): a
// registration sent from a chosen source address, and responders for the index's call-back
// listening on a chosen address (signed-registration.ts's startAddressResponder takes the host).
import http from 'node:http';
import type { NodeKey } from '../../src-main/core/identity/node-key.js';
import { signedRegistration, type HandRegistration } from './signed-registration.js';

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
  const given = (await requestFrom(localAddress, `${indexBase}/api/v1/peers/challenge`)).json<{ indexId: string; challenge: string }>();
  return requestFrom(localAddress, `${indexBase}/api/v1/peers/register`, { method: 'POST', body: signedRegistration(key, body, given) });
}
