// A request to a node over TLS with a client certificate made from a node key: how another Shoal
// node proves which device it is (tls-peer-id.ts on the serving side). The node's own certificate
// is not checked here: these tests are about what the server learns of the client.
import https from 'node:https';
import { makeNodeCertificate } from '../../src-main/core/identity/node-certificate.js';
import type { NodeKey } from '../../src-main/core/identity/node-key.js';

export interface TlsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

/** GET (or another method) `path` on `port` over TLS as the device `key`. */
export async function requestAs(key: NodeKey, port: number, path: string, init: { method?: string; headers?: Record<string, string>; host?: string } = {}): Promise<TlsAnswer> {
  const pem = makeNodeCertificate(key);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: init.host ?? '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false,
      cert: pem, key: key.privateKey.export({ format: 'pem', type: 'pkcs8' }), rejectUnauthorized: false, minVersion: 'TLSv1.3',
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: () => body.toString('utf8'), json: <T>() => JSON.parse(body.toString('utf8')) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
