// The registration benchmark's reference (bench/registration.ts): a bare Node server doing only
// the work the protocol itself asks of an index for a registration, and nothing of Shoal's
// framework or store: TLS on its port (as a node's port, tls-sniff.ts), a challenge, the body read
// and parsed, the signature checked, the claimed address called back over TLS to the peer's key
// (address-check.ts), a session token. Run in its own process, so its CPU is measured as the
// index's is:
//   node registration-reference.js   (prints `port N` once listening; stops on SIGTERM)
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptTlsToo } from '../src-main/core/http/tls-sniff.js';
import { NodeKey } from '../src-main/core/identity/node-key.js';
import { registrationStatement, signedBy } from '../src-main/core/identity/signed-statement.js';
import { addressCallBack } from '../src-main/core/index/address-check.js';
import { NodeDialer } from '../src-main/core/net/node-dialer.js';
import { NodeTls } from '../src-main/core/net/node-tls.js';

interface Registration { peerId: string; challenge: string; signature: string; address?: string; port: number; files: unknown[] }

const key = NodeKey.generate();
const tls = await NodeTls.create(key);
const callBack = addressCallBack(new NodeDialer(tls));
const challenges = new Set<string>();

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function register(text: string, observed: string): Promise<[number, unknown]> {
  const r = JSON.parse(text) as Registration;
  if (!challenges.delete(r.challenge)) return [409, { error: 'challenge' }];
  const signed = registrationStatement({ indexId: key.id, challenge: r.challenge, peerId: r.peerId, address: r.address, port: r.port });
  if (!signedBy(r.peerId, signed, r.signature)) return [403, { error: 'signature' }];
  const reached = await callBack(r.peerId, r.address ?? observed, r.port);
  if (!reached.ok) return [422, { error: reached.reason }];
  return [200, { peerId: r.peerId, sessionToken: randomBytes(32).toString('hex'), files: r.files.length }];
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/v1/peers/challenge') {
    const challenge = randomBytes(24).toString('base64url');
    challenges.add(challenge);
    return answer(res, 200, { indexId: key.id, challenge });
  }
  if (req.method !== 'POST' || req.url !== '/api/v1/peers/register') return answer(res, 404, { error: 'not found' });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    register(Buffer.concat(chunks).toString(), req.socket.remoteAddress ?? '127.0.0.1').then(
      ([status, body]) => answer(res, status, body),
      (err: unknown) => answer(res, 500, { error: String(err) }),
    );
  });
});
acceptTlsToo(server, tls.serverOptions);
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => process.exit(0));
