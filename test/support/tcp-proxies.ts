// Men in the middle for the encryption tests, between a downloader and a real node:
// - a recording proxy: forwards TCP both ways untouched and keeps every byte it saw;
// - a key-swapping proxy: ends TLS with a key of its own and opens TLS to the node behind it
//   (a MITM holding a valid-looking certificate, just not the node's key);
// - a downgrading proxy: drops every TLS handshake, forwards plain HTTP (hoping the client
//   retries in the clear), and counts what it forwarded.
import net from 'node:net';
import tls from 'node:tls';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { NodeTls } from '../../src-main/core/net/node-tls.js';

export interface Proxy {
  address: string;
  port: number;
  /** Every byte that crossed, both directions, each connection's each way in order (the key-swapping proxy: what clients sent it, decrypted). */
  recorded(): Buffer;
  /** Connections it forwarded (the downgrading proxy: plain ones only). */
  readonly forwarded: number;
  close(): Promise<void>;
}

async function listen(server: net.Server, sockets: Set<net.Socket>, recorded: () => Buffer, counter: { forwarded: number }): Promise<Proxy> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`, port, recorded,
    get forwarded() {
      return counter.forwarded;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function recordingProxy(targetPort: number): Promise<Proxy> {
  // One list of chunks per connection and direction, joined stream by stream: with one list for
  // all, the chunks of a downloader's two connections interleave, and bytes sent in one piece
  // would not be found together.
  const streams: Buffer[][] = [];
  const counter = { forwarded: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    counter.forwarded++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    const sent: Buffer[] = [];
    const received: Buffer[] = [];
    streams.push(sent, received);
    client.on('data', (d: Buffer) => sent.push(Buffer.from(d)));
    upstream.on('data', (d: Buffer) => received.push(Buffer.from(d)));
    client.pipe(upstream).on('error', () => client.destroy());
    upstream.pipe(client).on('error', () => upstream.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  return listen(server, sockets, () => Buffer.concat(streams.flat()), counter);
}

export async function keySwappingProxy(targetPort: number): Promise<Proxy & { id: string }> {
  const key = NodeKey.generate();
  const mine = await NodeTls.create(key);
  const counter = { forwarded: 0 };
  const chunks: Buffer[] = []; // what clients sent it, decrypted
  const sockets = new Set<net.Socket>();
  const tlsServer = tls.createServer(mine.serverOptions, (client) => {
    counter.forwarded++;
    const { socket: upstream, verified } = mine.connect({ host: '127.0.0.1', port: targetPort, expect: null });
    sockets.add(upstream);
    verified.then(() => {
      client.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
      client.pipe(upstream);
      upstream.pipe(client);
    }, () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  tlsServer.on('tlsClientError', () => undefined);
  const server = net.createServer((raw) => tlsServer.emit('connection', raw));
  return { ...(await listen(server, sockets, () => Buffer.concat(chunks), counter)), id: key.id };
}

export function downgradingProxy(targetPort: number): Promise<Proxy> {
  const counter = { forwarded: 0 };
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.once('data', (first: Buffer) => {
      if (first[0] === 0x16) {
        // "This server does not speak TLS": what a stripping attacker answers a ClientHello with.
        client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      counter.forwarded++;
      chunks.push(Buffer.from(first));
      const upstream = net.connect(targetPort, '127.0.0.1', () => upstream.write(first));
      sockets.add(upstream);
      client.on('data', (d: Buffer) => {
        chunks.push(Buffer.from(d));
        upstream.write(d);
      });
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    client.on('error', () => undefined);
  });
  return listen(server, sockets, () => Buffer.concat(chunks), counter);
}

/**
 * A far peer, on loopback: every chunk a client sends reaches the node behind `delayMs` later (in
 * order), answers come back at once, so each request, and each flight of a TLS handshake, takes
 * `delayMs` more. Records what clients sent; counts connections.
 */
export function delayingProxy(targetPort: number, delayMs: number): Promise<Proxy> {
  const counter = { forwarded: 0 };
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    counter.forwarded++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    // Timers of one duration fire in the order they were set: the bytes keep theirs.
    client.on('data', (d: Buffer) => {
      const copy = Buffer.from(d);
      chunks.push(copy);
      setTimeout(() => upstream.write(copy), delayMs);
    });
    client.on('end', () => setTimeout(() => upstream.end(), delayMs));
    upstream.pipe(client).on('error', () => upstream.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => setTimeout(() => upstream.destroy(), delayMs));
  });
  return listen(server, sockets, () => Buffer.concat(chunks), counter);
}
