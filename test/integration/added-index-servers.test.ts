// Index servers added by hand at runtime (POST/DELETE /api/v1/index-servers), with real nodes:
// the peer registers with the one added, keeps it across a restart, leaves it when removed, and
// bad input answers a catalogue error and changes nothing.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexPeer } from '../../src-shared/api/index-routes.js';
import type { IndexConnectionView } from '../../src-shared/api/peer-routes.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

let index: TestNode;
let indexAddress: string;
let peerDir: { path: string; remove(): Promise<void> };
let peer: TestNode;

const json = { 'content-type': 'application/json' };
const connection = (n: TestNode) => n.json<IndexConnectionView>('/api/v1/index-servers');
const add = (n: TestNode, address: unknown) => n.api('/api/v1/index-servers', { method: 'POST', headers: json, body: JSON.stringify({ address }) });
const remove = (n: TestNode, address: string) => n.api(`/api/v1/index-servers/${encodeURIComponent(address)}`, { method: 'DELETE' });
const peersOnIndex = async () => (await (await fetch(`http://${indexAddress}/api/v1/peers`)).json()) as { items: IndexPeer[] };
const statusOn = async (peerId: string) => (await peersOnIndex()).items.find((p) => p.peerId === peerId)?.status;

/** A 4xx answer with a catalogue error; each test checks the list did not change. */
async function expectRefused(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '300ms' } });
  const port = (await index.json<{ port: number }>('/api/v1/settings/index-role')).port;
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
    const res = await add(peer, indexAddress);
    expect(res.status).toBe(200);
    const view = (await res.json()) as IndexConnectionView;
    expect(view.servers).toMatchObject([{ address: indexAddress, source: 'added', state: expect.any(String) }]);
    await pollUntil(async () => (await connection(peer)).server === indexAddress, 'registered with the added index', 10_000);
    expect(await statusOn(peer.id)).toBe('online');
    await pollUntil(async () => {
      const found = (await (await fetch(`http://${indexAddress}/api/v1/files/search?q=hand`)).json()) as { total: number };
      return found.total === 1;
    }, 'the peer\u2019s file indexed', 10_000);
  });

  it('refuses a malformed address, a duplicate and an unknown removal, changing nothing', async () => {
    const before = await connection(peer);
    for (const bad of ['not an address', 'http://host:8080', 'host:99999', '', 42]) {
      await expectRefused(await add(peer, bad), 400, 'VALIDATION_FAILED');
    }
    await expectRefused(await add(peer, indexAddress), 409, 'INDEX_SERVER_EXISTS');
    // Spaces around an address do not make it another server.
    await expectRefused(await add(peer, ` ${indexAddress} `), 409, 'INDEX_SERVER_EXISTS');
    await expectRefused(await remove(peer, '10.9.8.7:1234'), 404, 'INDEX_SERVER_NOT_FOUND');
    await expectRefused(await remove(peer, 'nonsense'), 400, 'VALIDATION_FAILED');
    const after = await connection(peer);
    expect(after.servers.map((s) => [s.address, s.source])).toEqual(before.servers.map((s) => [s.address, s.source]));
  });

  it('refuses to remove or re-add a configured one', async () => {
    const configured = '127.0.0.1:9';
    const other = await startTestNode({ peer: { share: false, super_peer_address: [configured] } });
    try {
      await expectRefused(await remove(other, configured), 409, 'INDEX_SERVER_NOT_REMOVABLE');
      await expectRefused(await add(other, configured), 409, 'INDEX_SERVER_EXISTS');
      expect((await connection(other)).servers).toMatchObject([{ address: configured, source: 'configured', state: expect.any(String) }]);
    } finally {
      await other.destroy();
    }
  });

  it('refuses more than 20', async () => {
    const other = await startTestNode({ peer: { share: false } });
    try {
      for (let i = 1; i <= 20; i++) expect((await add(other, `10.0.0.${i}:8080`)).status).toBe(200);
      await expectRefused(await add(other, '10.0.0.21:8080'), 409, 'INDEX_SERVERS_FULL');
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
    const res = await remove(peer, indexAddress);
    expect(res.status).toBe(200);
    expect(((await res.json()) as IndexConnectionView).servers).toEqual([]);
    await pollUntil(async () => (await statusOn(peer.id)) === 'offline', 'the peer left the index', 10_000);
    await pollUntil(async () => (await connection(peer)).server === null, 'no registration', 10_000);
    await expectRefused(await remove(peer, indexAddress), 404, 'INDEX_SERVER_NOT_FOUND');
    // Gone for good: a restart does not bring it back.
    await peer.stop();
    peer = await startTestNode({ root: peerDir.path });
    expect((await connection(peer)).servers).toEqual([]);
  });
});
