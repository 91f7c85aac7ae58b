// Index servers added by hand at runtime (POST/DELETE /api/v1/index-servers), with real nodes:
// the peer registers with the one added, keeps it across a restart, leaves it when removed, and
// bad input answers a catalogue error and changes nothing.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let index: TestNode;
let indexAddress: string;
let peerDir: { path: string; remove(): Promise<void> };
let peer: TestNode;

const json = { 'content-type': 'application/json' };
const connection = (n: TestNode) => n.client.getIndexConnection();
const add = (n: TestNode, address: string) => n.client.addIndexServer({ body: { address } });
const remove = (n: TestNode, address: string) => n.client.removeIndexServer({ params: { address } });
// Raw, for addresses the contract refuses or would tidy before sending (spaces): the node's own check is what is tested.
const addRaw = (n: TestNode, address: unknown) => n.api('/api/v1/index-servers', { method: 'POST', headers: json, body: JSON.stringify({ address }) });
const removeRaw = (n: TestNode, address: string) => n.api(`/api/v1/index-servers/${encodeURIComponent(address)}`, { method: 'DELETE' });
const statusOn = async (peerId: string) => (await typedClient(indexRoutes, indexAddress).listPeers()).items.find((p) => p.peerId === peerId)?.status;

/** A refused call: a catalogue error with a message (the client's own text ends with the node's). Each test checks the list did not change. */
async function expectRefused(call: Promise<unknown>, status: number, code: string) {
  await expect(call).rejects.toMatchObject({ status, code, message: expect.stringMatching(new RegExp(`answered ${status} ${code}: .+`)) });
}

/** The same for a raw answer. */
async function expectRefusedRaw(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '300ms' } });
  const port = (await index.client.getIndexRole()).port;
  indexAddress = `127.0.0.1:${port}`;
  peerDir = await makeTempDir();
  peer = await startTestNode({ root: peerDir.path });
  await writeFile(join(peer.sharedDir, 'hand-added-report.txt'), 'found through an index added by hand');
});
afterAll(async () => {
  await peer.stop();
  await peerDir.remove();
  await index.destroy();
});

describe('index servers added by hand', () => {
  it('adding one makes the peer register with it at once', async () => {
    expect((await connection(peer)).servers).toEqual([]);
    const view = await add(peer, indexAddress);
    expect(view.servers).toMatchObject([{ address: indexAddress, source: 'added', state: expect.any(String) }]);
    await pollUntil(async () => (await connection(peer)).server === indexAddress, 'registered with the added index', 10_000);
    expect(await statusOn(peer.id)).toBe('online');
    await pollUntil(async () => {
      const found = await typedClient(indexRoutes, indexAddress).search({ query: { q: 'hand' } });
      return found.total === 1;
    }, 'the peer\u2019s file indexed', 10_000);
  });

  it('refuses a malformed address, a duplicate and an unknown removal, changing nothing', async () => {
    const before = await connection(peer);
    for (const bad of ['not an address', 'http://host:8080', 'host:99999', '', 42]) {
      await expectRefusedRaw(await addRaw(peer, bad), 400, 'VALIDATION_FAILED');
    }
    await expectRefused(add(peer, indexAddress), 409, 'INDEX_SERVER_EXISTS');
    // Spaces around an address do not make it another server.
    await expectRefusedRaw(await addRaw(peer, ` ${indexAddress} `), 409, 'INDEX_SERVER_EXISTS');
    await expectRefused(remove(peer, '10.9.8.7:1234'), 404, 'INDEX_SERVER_NOT_FOUND');
    await expectRefusedRaw(await removeRaw(peer, 'nonsense'), 400, 'VALIDATION_FAILED');
    const after = await connection(peer);
    expect(after.servers.map((s) => [s.address, s.source])).toEqual(before.servers.map((s) => [s.address, s.source]));
  });

  it('refuses to remove or re-add a configured one', async () => {
    const configured = '127.0.0.1:9';
    const other = await startTestNode({ peer: { share: false, super_peer_address: [configured] } });
    try {
      await expectRefused(remove(other, configured), 409, 'INDEX_SERVER_NOT_REMOVABLE');
      await expectRefused(add(other, configured), 409, 'INDEX_SERVER_EXISTS');
      expect((await connection(other)).servers).toMatchObject([{ address: configured, source: 'configured', state: expect.any(String) }]);
    } finally {
      await other.destroy();
    }
  });

  it('refuses more than 20', async () => {
    const other = await startTestNode({ peer: { share: false } });
    try {
      for (let i = 1; i <= 20; i++) expect((await add(other, `10.0.0.${i}:8080`)).servers).toHaveLength(i);
      await expectRefused(add(other, '10.0.0.21:8080'), 409, 'INDEX_SERVERS_FULL');
      expect((await connection(other)).servers).toHaveLength(20);
    } finally {
      await other.destroy();
    }
  });

  it('survives a restart of the node', async () => {
    await peer.stop();
    await pollUntil(async () => (await statusOn(peer.id)) === 'offline', 'offline after a clean stop', 10_000);
    peer = await startTestNode({ root: peerDir.path });
    expect((await connection(peer)).servers.map((s) => [s.address, s.source])).toEqual([[indexAddress, 'added']]);
    await pollUntil(async () => (await connection(peer)).server === indexAddress, 'registered again after the restart', 10_000);
    await pollUntil(async () => (await statusOn(peer.id)) === 'online', 'online again', 10_000);
  });

  it('removing it makes the peer leave that index', async () => {
    expect((await remove(peer, indexAddress)).servers).toEqual([]);
    await pollUntil(async () => (await statusOn(peer.id)) === 'offline', 'the peer left the index', 10_000);
    await pollUntil(async () => (await connection(peer)).server === null, 'no registration', 10_000);
    await expectRefused(remove(peer, indexAddress), 404, 'INDEX_SERVER_NOT_FOUND');
    // Gone for good: a restart does not bring it back.
    await peer.stop();
    peer = await startTestNode({ root: peerDir.path });
    expect((await connection(peer)).servers).toEqual([]);
  });
});
