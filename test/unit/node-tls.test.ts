// TLS between nodes: the node certificate carries the node key, both sides learn the other's id,
// one port serves TLS and plain HTTP, index servers are pinned on first use, and the download
// client reads a range over TLS, its body in many records, into the buffers it chose.
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceConnection } from '../../src-main/core/downloads/source-connection.js';
import { ConnectionGuard } from '../../src-main/core/http/connection-guard.js';
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { makeNodeCertificate } from '../../src-main/core/identity/node-certificate.js';
import { NodeKey, rawPublicKey } from '../../src-main/core/identity/node-key.js';
import { tlsPeerNodeId } from '../../src-main/core/identity/tls-peer-id.js';
import { NodeDialer } from '../../src-main/core/net/node-dialer.js';
import { NodeTls, PeerIdentityError } from '../../src-main/core/net/node-tls.js';
import { readCapped } from '../../src-main/core/net/read-capped.js';
import { nodeIdFromPublicKey } from '../../src-shared/node-id.js';
import { pollUntil } from '../support/poll.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function listen<S extends Server | tls.Server>(server: S): Promise<number> {
  closers.push(() => server.close());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('node TLS', () => {
  it('makes a certificate whose key is the node id', async () => {
    const key = NodeKey.generate();
    const cert = new X509Certificate(makeNodeCertificate(key));
    expect(nodeIdFromPublicKey(rawPublicKey(cert.publicKey))).toBe(key.id);
    expect(cert.verify(cert.publicKey)).toBe(true); // self-signed by that key
  });

  it('writes a certificate that OpenSSL reads as v3, self-signed with Ed25519, valid from yesterday for 20 years (GeneralizedTime past 2049)', async () => {
    const key = NodeKey.generate();
    for (const now of [Date.parse('2026-12-04T12:00:00Z'), Date.parse('2040-06-01T00:00:00Z')]) {
      const pem = makeNodeCertificate(key, now);
      const cert = new X509Certificate(pem);
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(Date.parse(cert.validFrom)).toBe(now - 86_400_000);
      expect(Date.parse(cert.validTo)).toBe(now + 20 * 365 * 86_400_000);
      expect(cert.subject).toBe(`CN=shoal-${key.id.slice(0, 7)}`);
      expect(cert.issuer).toBe(cert.subject);
      expect(BigInt(`0x${cert.serialNumber}`) > 0n).toBe(true);
      const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' });
      expect(text).toContain('Version: 3 (0x2)');
      expect(text).toMatch(/Signature Algorithm: ED25519/i);
    }
  });

  it('closes the port at once with a TLS handshake half done (not after the handshake timeout)', async () => {
    const http = createServer((_req, res) => res.end());
    const sniffer = acceptTlsToo(http, (await NodeTls.create(NodeKey.generate())).serverOptions);
    const accepted: Socket[] = [];
    http.on('connection', (socket: Socket) => accepted.push(socket));
    const port = await new Promise<number>((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as AddressInfo).port)));
    const client = connect(port, '127.0.0.1');
    client.on('error', () => undefined); // reset by the closing server: that is the point
    client.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])); // the start of a ClientHello, and no more
    await pollUntil(() => (accepted[0]?.bytesRead ?? 0) >= 5, 'the handshake begun');
    const started = Date.now();
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    sniffer.close();
    http.closeAllConnections();
    await closed;
    // It was 10 s: the handshake's own timeout (node-tls.ts). Half that leaves a loaded machine room (2 s left it little).
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('closes at once the connections from one address past its cap of those sending nothing or handshaking; a finished handshake frees its place', async () => {
    const serverTls = await NodeTls.create(NodeKey.generate());
    const http = createServer((_req, res) => res.end('ok'));
    const sniffer = acceptTlsToo(http, serverTls.serverOptions, { max: 100, perAddress: 4 });
    const port = await listen(http);
    closers.push(() => sniffer.close());
    const raw = (firstBytes?: Buffer) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      closers.push(() => socket.destroy());
      if (firstBytes) socket.write(firstBytes);
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
      return { socket, closed };
    };
    // Handshakes finished: counted by the HTTP server (and its guard), not here.
    const client = await NodeTls.create(NodeKey.generate());
    for (let i = 0; i < 5; i++) {
      const { socket, verified } = client.connect({ host: '127.0.0.1', port, expect: serverTls.nodeId });
      closers.push(() => socket.destroy());
      await verified;
    }
    const halfHello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]);
    const held = [raw(), raw(), raw(halfHello), raw(halfHello)];
    await pollUntil(() => sniffer.pending >= 5 + 4, 'the four held');
    const started = Date.now();
    const excess = [raw(), raw(halfHello), raw()];
    // Not the handshake's 10 s timeout: half that, with room for a loaded machine (2 s left it little).
    for (const closedAt of await Promise.all(excess.map((e) => e.closed))) expect(closedAt - started).toBeLessThan(5_000);
    // One of the four leaves: its place is free again, for a plain request too.
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await pollUntil(() => sniffer.pending === 5 + 3, 'its place freed');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
  });

  it('caps waiting connections no lower than the connection guard does', async () => {
    const http = createServer((_req, res) => res.end());
    new ConnectionGuard({ maxConnections: 1000, maxConnectionsPerAddress: 80, maxRequestsPerAddress: 0, requestWindowMs: 1000 }, () => false).watch(http);
    const sniffer = acceptTlsToo(http, (await NodeTls.create(NodeKey.generate())).serverOptions);
    const port = await listen(http);
    closers.push(() => sniffer.close());
    const sockets = Array.from({ length: 90 }, () => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      closers.push(() => socket.destroy());
      return new Promise<boolean>((resolve) => {
        socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 1_500).unref();
      });
    });
    const closed = await Promise.all(sockets);
    expect(closed.filter(Boolean)).toHaveLength(10);
    expect(sniffer.pending).toBe(80);
  });

  it('serves TLS and plain HTTP on one port; over TLS each side learns the other\u2019s node id', async () => {
    const server = await NodeTls.create(NodeKey.generate());
    const client = await NodeTls.create(NodeKey.generate());
    const http = createServer((req, res) => res.end(JSON.stringify({ client: tlsPeerNodeId(req.socket) ?? null })));
    acceptTlsToo(http, server.serverOptions);
    const port = await listen(http);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toEqual({ client: null });
    const answer = await new NodeDialer(client).call(`http://127.0.0.1:${port}/`, {}, { node: server.nodeId });
    expect(answer.nodeId).toBe(server.nodeId);
    expect(JSON.parse((await readCapped(answer.body, 1 << 20))!.toString('utf8'))).toEqual({ client: client.nodeId });
    const wrong = NodeKey.generate().id;
    await expect(new NodeDialer(client).call(`http://127.0.0.1:${port}/`, {}, { node: wrong })).rejects.toThrow(PeerIdentityError);
  });

  it('pins an index server on first use', async () => {
    const first = await NodeTls.create(NodeKey.generate());
    const http = createServer((_req, res) => res.end('{}'));
    acceptTlsToo(http, first.serverOptions);
    const port = await listen(http);
    const dialer = new NodeDialer(await NodeTls.create(NodeKey.generate()));
    await dialer.call(`http://127.0.0.1:${port}/`, {}, 'pinned');
    expect(dialer.pinned(`127.0.0.1:${port}`)).toBe(first.nodeId);
    // Another node at that address (same port, another key) is refused from then on.
    http.close();
    const other = createServer((_req, res) => res.end('{}'));
    acceptTlsToo(other, (await NodeTls.create(NodeKey.generate())).serverOptions);
    closers.push(() => other.close());
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    await expect(dialer.call(`http://127.0.0.1:${port}/`, {}, 'pinned')).rejects.toThrow(/pinned on first use/);
  });

  it('the download client reads a range sent as many TLS records at once, however many came before it asked for the body', async () => {
    const server = await NodeTls.create(NodeKey.generate());
    const body = randomBytes(512 * 1024);
    const raw = tls.createServer(server.serverOptions, (socket) => {
      socket.on('data', () => {
        // In one write: many records (16 KiB each), arriving together with the head's.
        socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
      });
      socket.on('error', () => undefined);
    });
    const port = await listen(raw);
    const connection = new SourceConnection(new URL(`http://127.0.0.1:${port}/x`), { tls: await NodeTls.create(NodeKey.generate()), expect: server.nodeId });
    closers.push(() => connection.destroy());
    const read = async (busy: boolean) => {
      const asked = connection.request('/x', {});
      // The client is busy a moment after asking: the whole answer waits in the socket, so one
      // read brings the head and many body records, decrypted and handed out at once, before
      // readBody() says where the body goes.
      const until = performance.now() + (busy ? 150 : 0);
      while (performance.now() < until);
      const head = await asked;
      expect(head.length).toBe(body.length);
      const into = Buffer.alloc(body.length);
      let filled = 0;
      await connection.readBody({ space: () => into.subarray(filled), received: (n) => (filled += n) });
      expect(into.equals(body)).toBe(true);
    };
    await read(false); // the handshake and a first answer
    await read(true); // the same connection again: its request is written at once
    expect(connection.encrypted).toBe(true);
  });
});
