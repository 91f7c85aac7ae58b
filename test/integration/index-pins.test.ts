// Index server pins with real nodes (net/index-pins.ts): the id an index proved first is kept
// across a peer's restart, so another node answering on the index's port afterwards (a new key)
// is refused with PEER_IDENTITY_MISMATCH until the user trusts it; an id given with the address
// (host:port#NODEID) refuses another node from the first contact; a mistyped id is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfigSchema } from '../../src-main/core/config/config-schema.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let first: TestNode | undefined;
let second: TestNode | undefined;
let firstId: string;
let port: number;
let address: string;
const others: TestNode[] = [];

const startIndex = (at = 0) => startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: at, heartbeat_interval: '300ms' } });
const serverOf = async (n: TestNode) => (await n.client.getIndexConnection()).servers.find((s) => s.address === address);
// At any status: with 300 ms heartbeats a peer wrongly registered is offline a second later, but still listed.
const listedAt = async (peerId: string) => (await typedClient(indexRoutes, address).listPeers()).items.some((p) => p.peerId === peerId);

beforeAll(async () => {
  first = await startIndex();
  firstId = first.id;
  port = (await first.client.getIndexRole()).port as number;
  address = `127.0.0.1:${port}`;
}, 30_000);

afterAll(async () => {
  await Promise.all([first, second, ...others].map((n) => n?.destroy()));
});

describe('index server pins', () => {
  it('a peer keeps the pin across a restart: another node on the index\u2019s port is refused, until the user trusts it', async () => {
    const dir = await makeTempDir();
    try {
      let peer = await startTestNode({ root: dir.path, peer: { super_peer_address: [address] } });
      await pollUntil(async () => (await peer.client.getIndexConnection()).server === address, 'the peer registered with the first index');
      expect((await serverOf(peer))?.identity).toEqual({ nodeId: firstId, given: false, presented: null });
      await peer.stop();

      // The index is replaced by another node (another key) on the same port.
      await first?.destroy();
      first = undefined;
      second = await startIndex(port);
      expect((await second.client.getIndexRole()).port).toBe(port);

      peer = await startTestNode({ root: dir.path, peer: { super_peer_address: [address] } });
      others.push(peer);
      const refused = await pollUntil(async () => {
        const s = await serverOf(peer);
        return s?.identity?.presented === second?.id ? s : undefined;
      }, 'the replaced index refused after the restart');
      expect(refused.identity).toEqual({ nodeId: firstId, given: false, presented: second.id });
      expect(refused.reachable).toBe(false);
      expect(refused.lastError).toMatch(/the index server 127\.0\.0\.1:\d+ \(pinned on first use\) is not the node expected: expected .*but it presented/);
      expect((await peer.client.getIndexConnection()).server).toBeNull();
      expect(await listedAt(peer.id)).toBe(false);

      // "Trust the new identity": the pin is forgotten, the peer registers at once and pins the new id.
      const after = await peer.client.forgetIndexServerPin({ params: { address } });
      expect(after.servers.find((s) => s.address === address)?.identity).toBeUndefined();
      await pollUntil(async () => (await peer.client.getIndexConnection()).server === address, 'the peer registered with the new index', 10_000);
      expect(await listedAt(peer.id)).toBe(true);
      expect((await serverOf(peer))?.identity).toEqual({ nodeId: second.id, given: false, presented: null });
    } finally {
      await Promise.all(others.splice(0).map((n) => n.stop()));
      await dir.remove();
    }
  }, 60_000);

  it('an id given with the address refuses another node from the first contact, in the config and in Settings', async () => {
    const runningId = second?.id as string;
    const configured = await startTestNode({ peer: { super_peer_address: [`${address}#${firstId.toLowerCase()}`] } });
    others.push(configured);
    const refused = await pollUntil(async () => {
      const s = await serverOf(configured);
      return s?.identity?.presented === runningId ? s : undefined;
    }, 'the configured id refusing the index');
    expect(refused.identity).toEqual({ nodeId: firstId, given: true, presented: runningId });
    expect(refused.lastError).toMatch(/its id given in this node.s configuration\) is not the node expected/);
    expect(await listedAt(configured.id)).toBe(false);
    // The configuration's id is the configuration's to change.
    await expect(configured.client.forgetIndexServerPin({ params: { address } })).rejects.toMatchObject({ status: 409, code: 'INDEX_ID_CONFIGURED' });

    const byHand = await startTestNode();
    others.push(byHand);
    // A mistyped id is refused before anything is kept.
    const typo = `${firstId.slice(0, -1)}${firstId.endsWith('A') ? 'B' : 'A'}`;
    const res = await byHand.api('/api/v1/index-servers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: `${address}#${typo}` }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('a typo?') });
    expect((await byHand.client.getIndexConnection()).servers).toEqual([]);

    await byHand.client.addIndexServer({ body: { address: `${address}#${firstId}` } });
    const refusedByHand = await pollUntil(async () => {
      const s = await serverOf(byHand);
      return s?.identity?.presented === runningId ? s : undefined;
    }, 'the id given in Settings refusing the index');
    expect(refusedByHand.identity?.nodeId).toBe(firstId);
    expect(await listedAt(byHand.id)).toBe(false);

    // The right id is accepted.
    const right = await startTestNode({ peer: { super_peer_address: [`${address}#${runningId}`] } });
    others.push(right);
    await pollUntil(async () => (await right.client.getIndexConnection()).server === address, 'registered with the index whose id was given');
  }, 60_000);

  it('a mistyped id in the configuration is a configuration error', () => {
    const schema = createConfigSchema({ dataDirectory: '/tmp/d', sharedDirectory: '/tmp/s', downloadDirectory: '/tmp/x', name: 'n' });
    const parsed = schema.safeParse({ peer: { super_peer_address: [`127.0.0.1:8080#${firstId.slice(0, 7)}`] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['peer', 'super_peer_address', 0], message: expect.stringContaining('short node id') });
  });
});
