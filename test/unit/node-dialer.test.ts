// The dialer keeps TLS connections to a node between calls (a federated search forwards to the
// same index servers query after query): real TLS servers on loopback, real node keys.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { tlsPeerNodeId } from '../../src-main/core/identity/tls-peer-id.js';
import { NodeDialer, type NodeAnswer } from '../../src-main/core/net/node-dialer.js';
import { readCapped } from '../../src-main/core/net/read-capped.js';
import { NodeTls, PeerIdentityError } from '../../src-main/core/net/node-tls.js';

const closers: (() => void)[] = [];
const json = async (answer: NodeAnswer): Promise<unknown> => JSON.parse((await readCapped(answer.body, 1 << 20))!.toString('utf8'));
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A TLS node answering its call count; `onRequest` may act on a request instead (return true). */
async function tlsNode(onRequest?: (n: number, req: IncomingMessage) => boolean) {
  const tls = await NodeTls.create(NodeKey.generate());
  let calls = 0;
  let connections = 0;
  const http: Server = createServer((req, res) => {
    calls++;
    if (onRequest?.(calls, req)) return;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ calls, client: tlsPeerNodeId(req.socket) ?? null }));
  });
  http.on('connection', () => connections++);
  acceptTlsToo(http, tls.serverOptions);
  const port = await new Promise<number>((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as AddressInfo).port)));
  closers.push(() => {
    http.closeAllConnections();
    http.close();
  });
  return { tls, url: `http://127.0.0.1:${port}/x`, connections: () => connections };
}

describe('NodeDialer connections', () => {
  it('keeps a connection to a node for its next calls, each one answered and authenticated', async () => {
    const node = await tlsNode();
    const me = await NodeTls.create(NodeKey.generate());
    const dialer = new NodeDialer(me);
    closers.push(() => dialer.close());
    for (let i = 1; i <= 3; i++) {
      const answer = await dialer.call(node.url, {}, { node: node.tls.nodeId });
      const { nodeId } = answer;
      expect(nodeId).toBe(node.tls.nodeId);
      expect(await json(answer)).toEqual({ calls: i, client: me.nodeId });
    }
    expect(node.connections()).toBe(1);
  });

  it('never hands a connection proven by one node to a call meant for another', async () => {
    const node = await tlsNode();
    const dialer = new NodeDialer(await NodeTls.create(NodeKey.generate()));
    closers.push(() => dialer.close());
    await json(await dialer.call(node.url, {}, 'any'));
    // Reusing the kept connection would have answered: the refusal comes from a new handshake.
    await expect(dialer.call(node.url, {}, { node: NodeKey.generate().id })).rejects.toThrow(PeerIdentityError);
    expect(await json(await dialer.call(node.url, {}, { node: node.tls.nodeId }))).toMatchObject({ calls: 2 });
    expect(node.connections()).toBe(1);
  });

  it('pins an index on a first pinned call that reuses a connection made for an unpinned one', async () => {
    const node = await tlsNode();
    const dialer = new NodeDialer(await NodeTls.create(NodeKey.generate()));
    closers.push(() => dialer.close());
    await json(await dialer.call(node.url, {}, 'any'));
    await json(await dialer.call(node.url, {}, 'pinned'));
    expect(node.connections()).toBe(1);
    expect(dialer.pinned(new URL(node.url).host)).toBe(node.tls.nodeId);
  });

  it('sends a call again on a new connection when the kept one closes before answering', async () => {
    // The second request meets a connection the node drops unanswered, as a keep-alive timeout does.
    const node = await tlsNode((n, req) => {
      if (n !== 2) return false;
      req.socket.destroy();
      return true;
    });
    const dialer = new NodeDialer(await NodeTls.create(NodeKey.generate()));
    closers.push(() => dialer.close());
    expect(await json(await dialer.call(node.url, {}, 'any'))).toMatchObject({ calls: 1 });
    expect(await json(await dialer.call(node.url, { method: 'POST', body: '{}' }, 'any'))).toMatchObject({ calls: 3 });
    expect(node.connections()).toBe(2);
  });

  it('opens a new connection while the kept one is busy with an answer not yet read', async () => {
    const node = await tlsNode();
    const dialer = new NodeDialer(await NodeTls.create(NodeKey.generate()));
    closers.push(() => dialer.close());
    const first = await dialer.call(node.url, {}, 'any');
    const second = await dialer.call(node.url, {}, 'any');
    expect(await json(second)).toMatchObject({ calls: 2 });
    expect(await json(first)).toMatchObject({ calls: 1 });
    expect(node.connections()).toBe(2);
  });

  it('in plain HTTP (encryption off) keeps a connection too, follows no redirect and proves no id', async () => {
    const node = await tlsNode((n, req) => {
      if (n !== 3) return false;
      req.resume();
      req.socket.write('HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:1/elsewhere\r\ncontent-length: 0\r\n\r\n');
      return true;
    });
    const dialer = new NodeDialer(null);
    closers.push(() => dialer.close());
    for (let i = 1; i <= 2; i++) {
      const answer = await dialer.call(node.url, i === 2 ? { method: 'POST', body: '{"a":1}' } : {}, 'any');
      expect(answer.nodeId).toBeUndefined();
      expect(await json(answer)).toEqual({ calls: i, client: null });
    }
    const redirect = await dialer.call(node.url, {}, 'any');
    expect(redirect.status).toBe(302);
    expect(node.connections()).toBe(1);
    // Nobody listens at a closed port: the call fails, it does not hang.
    await expect(dialer.call('http://127.0.0.1:1/x', {}, 'any')).rejects.toThrow(/ECONNREFUSED/);
  });
});
