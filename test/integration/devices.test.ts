// Devices (issue 14): a node records the devices that proved their keys (a download over TLS, a
// registration at its index, a source it downloaded from) with name, address, last seen and bytes
// both ways; the user blocks or trusts one. A blocked device gets 403 DEVICE_BLOCKED on the peer
// and index ports (registration included) and is never listed as a source; the upload quota counts
// per device when the downloader proved one, per address otherwise.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../src-shared/api/access.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { requestAs } from '../support/node-tls-client.js';
import { pollUntil } from '../support/poll.js';
import { signedRegistration, startAddressResponder } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const json = { 'content-type': 'application/json' };
// Requests made as a device (requestAs: TLS with its key) or with a claimed X-Shoal-Peer stay raw:
// who asks, and how, is what they test.
const devicesOf = async (node: TestNode) => (await node.client.listDevices()).items;
const deviceOf = async (node: TestNode, id: string) => (await devicesOf(node)).find((d) => d.id === id);

const setState = (node: TestNode, deviceId: string, state: 'none' | 'trusted' | 'blocked'): Promise<Device> =>
  node.client.setDeviceState({ params: { deviceId }, body: { state } });

describe('a device downloading over TLS', () => {
  let n: TestNode;
  const file = randomContent(150_000);
  const alice = NodeKey.generate();
  const carol = NodeKey.generate();
  beforeAll(async () => {
    n = await startTestNode({ transfers: { upload_quota_per_peer: 100_000 } });
    await writeFile(join(n.sharedDir, 'song.flac'), file.data);
    await pollUntil(async () => (await n.client.listFiles()).total === 1, 'the file hashed');
  });
  afterAll(() => n.destroy());

  it('is recorded with its address and the bytes it was sent', async () => {
    const res = await requestAs(alice, n.port, `/api/v1/download/${file.id}`, { headers: { range: 'bytes=0-59999' } });
    expect(res.status).toBe(206);
    const seen = await deviceOf(n, alice.id);
    expect(seen).toMatchObject({ id: alice.id, state: 'none', lastAddress: '127.0.0.1', bytesSent: 60_000, bytesReceived: 0 });
    expect(Date.now() - Date.parse(seen!.lastSeen)).toBeLessThan(60_000);
  });

  it('counts against the upload quota as itself, not as its address', async () => {
    expect((await requestAs(alice, n.port, `/api/v1/download/${file.id}`, { headers: { range: 'bytes=60000-109999' } })).status).toBe(206);
    const over = await requestAs(alice, n.port, `/api/v1/download/${file.id}`, { headers: { range: 'bytes=110000-149999' } });
    expect(over.status).toBe(429);
    expect(over.json<{ error: { code: string } }>().error.code).toBe('UPLOAD_QUOTA_EXCEEDED');
    // Another device on the same address has its own quota, and so has the address itself (plain HTTP).
    expect((await requestAs(carol, n.port, `/api/v1/download/${file.id}`, { headers: { range: 'bytes=0-9999' } })).status).toBe(206);
    expect((await n.api(`/api/v1/download/${file.id}`, { auth: false, headers: { range: 'bytes=0-9999' } })).status).toBe(206);
  });

  it('is refused everywhere once blocked, even when it only claims to be that device; trusted is listed first', async () => {
    expect(await setState(n, alice.id, 'blocked')).toMatchObject({ id: alice.id, state: 'blocked' });
    for (const path of ['/api/v1/files', `/api/v1/download/${file.id}`, '/api/v1/info']) {
      const res = await requestAs(alice, n.port, path);
      expect(res.status, path).toBe(403);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('DEVICE_BLOCKED');
    }
    const claimed = await n.api('/api/v1/files', { auth: false, headers: { 'x-shoal-peer': alice.id } });
    expect(claimed.status).toBe(403);
    // Others, and the local user, are served as before.
    expect((await requestAs(carol, n.port, '/api/v1/files')).status).toBe(200);
    expect((await n.publicClient.listFiles()).total).toBe(1);
    await setState(n, carol.id, 'trusted');
    expect((await devicesOf(n)).map((d) => [d.id, d.state])).toEqual([[carol.id, 'trusted'], [alice.id, 'blocked']]);
    await setState(n, alice.id, 'none');
    expect((await requestAs(alice, n.port, '/api/v1/files')).status).toBe(200);
  });

  it('validates the device id, and answers only the local user', async () => {
    // Raw: the contract refuses these before they leave.
    const bad = await n.api('/api/v1/devices/NOT-A-NODE-ID', { method: 'PUT', headers: json, body: JSON.stringify({ state: 'blocked' }) });
    expect(bad.status).toBe(400);
    const badState = await n.api(`/api/v1/devices/${alice.id}`, { method: 'PUT', headers: json, body: JSON.stringify({ state: 'banned' }) });
    expect(badState.status).toBe(400);
    await expect(n.publicClient.listDevices()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((await requestAs(alice, n.port, '/api/v1/devices')).status).toBe(401);
  });
});

describe('registrations and sources', () => {
  let index: TestNode;
  let source: TestNode;
  let downloader: TestNode;
  const file = randomContent(200_000);
  beforeAll(async () => {
    index = await startTestNode({ superPeer: { enabled: true, heartbeat_interval: '1s' }, peer: { auto_register: false } });
    const indexAddress = `127.0.0.1:${index.indexRole.status().port}`;
    source = await startTestNode({ peer: { super_peer_address: [indexAddress], name: 'harbour-source' } });
    await writeFile(join(source.sharedDir, 'chart.bin'), file.data);
    downloader = await startTestNode({ peer: { super_peer_address: [indexAddress], name: 'harbour-downloader' } });
    const atIndex = typedClient(indexRoutes, indexAddress);
    // Not listed yet is a 404: keep asking.
    await pollUntil(() => atIndex.getFile({ params: { fileId: file.id } }).then((f) => f.sources.length === 1), 'the index to list the source');
  }, 30_000);
  afterAll(async () => {
    await downloader?.destroy();
    await source?.destroy();
    await index?.destroy();
  });

  it('the index records each registered device with the name it gave', async () => {
    expect(await deviceOf(index, source.id)).toMatchObject({ name: 'harbour-source', lastAddress: '127.0.0.1' });
    expect(await deviceOf(index, downloader.id)).toMatchObject({ name: 'harbour-downloader' });
  });

  it('a download records the source on the downloader (bytes received) and the downloader on the source (bytes sent)', async () => {
    const started = await startDownload(downloader, { fileId: file.id });
    await waitForDownload(downloader, started.id, 'completed');
    await pollUntil(async () => (await deviceOf(downloader, source.id))?.bytesReceived === file.data.length, 'the downloader to count the source');
    await pollUntil(async () => (await deviceOf(source, downloader.id))?.bytesSent === file.data.length, 'the source to count the downloader (TLS: its key)');
  });

  it('a downloader that does not encrypt records no device for the source: the index\u2019s word proves no key', async () => {
    const plain = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${index.indexRole.status().port}`], share: false }, security: { enable_encryption: false } });
    try {
      const started = await startDownload(plain, { fileId: file.id });
      const done = await waitForDownload(plain, started.id, 'completed');
      expect(done.sources.find((s) => s.peerId === source.id)?.bytes).toBe(file.data.length);
      expect(await deviceOf(plain, source.id)).toBeUndefined();
    } finally {
      await plain.destroy();
    }
  });

  it('a blocked device is left out of the index\u2019s sources and cannot register (refused before the index calls it back)', async () => {
    const atIndex = typedClient(indexRoutes, `127.0.0.1:${index.indexRole.status().port}`);
    await setState(index, source.id, 'blocked');
    const found = await atIndex.getFile({ params: { fileId: file.id } });
    expect(found.sources.map((s) => s.peerId)).not.toContain(source.id);
    const key = NodeKey.generate();
    const responder = await startAddressResponder(key);
    try {
      await setState(index, key.id, 'blocked');
      const registration = signedRegistration(key, { name: 'blocked one', port: responder.port, files: [] }, await atIndex.challenge());
      await expect(atIndex.register({ body: registration })).rejects.toMatchObject({ status: 403, code: 'DEVICE_BLOCKED' });
    } finally {
      await responder.close();
      await setState(index, source.id, 'none');
    }
  });
});
