// Who is who: a node's display name (Settings → "This device") is set live, kept, shown in
// /api/v1/info at once and registered with the index; peers of one name are told apart by the
// index's answers with a short-id suffix ("test-node", "test-node (ABCDEFG)"), nobody renamed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes, type SearchResult } from '../../src-shared/api/index-routes.js';
import { shortNodeId } from '../../src-shared/node-id.js';
import { freePort } from '../support/free-port.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let index: TestNode;
let indexUrl: string;
const peers: TestNode[] = [];
/** Nodes restarted in the same folder: destroyed (folders removed) after the ones in use stop. */
const restarted: TestNode[] = [];

const setName = (n: TestNode, name: string | null) => n.client.setIdentity({ body: { name } });
/** Raw, for names the contract refuses or would tidy before sending (spaces): the node's own check is what is tested. */
const setNameRaw = (n: TestNode, name: unknown) =>
  n.api('/api/v1/settings/identity', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
const atIndex = () => typedClient(indexRoutes, indexUrl);
const song = async () => (await atIndex().search({ query: { q: 'common' } })).items[0];
/** peer id → the name the index shows for it, in a search result's sources. */
const sourceNames = (result: SearchResult | undefined) => new Map(result?.sources.map((s) => [s.peerId, s.name]));

beforeAll(async () => {
  const indexPort = await freePort();
  indexUrl = `http://127.0.0.1:${indexPort}`;
  // Every test node is named "test-node" (the config's peer.name): the index node too.
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: indexPort, heartbeat_interval: '300ms' } });
  for (let i = 0; i < 3; i++) {
    const peer = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${indexPort}`] } });
    await writeFile(join(peer.sharedDir, 'common-song.mp3'), 'the same song everywhere');
    peers.push(peer);
  }
  await pollUntil(async () => (await song())?.sourceCount === 3, 'three sources of the common song', 20_000);
});
afterAll(async () => {
  await Promise.all([...peers, index].map((n) => n.destroy()));
  await Promise.all(restarted.map((n) => n.destroy()));
});

describe('this device', () => {
  it('shows the node id, its short form and the default name', async () => {
    const [peer] = peers as [TestNode];
    const me = await peer.client.getIdentity();
    expect(me).toEqual({ id: peer.id, shortId: shortNodeId(peer.id), name: 'test-node', defaultName: 'test-node', custom: false });
    expect(me.id).toMatch(/^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/);
    await expect(peer.publicClient.getIdentity()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await expect(peer.publicClient.setIdentity({ body: { name: 'sneaky' } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('refuses names that are empty, too long, multi-line or not text, and changes nothing', async () => {
    const [peer] = peers as [TestNode];
    for (const bad of ['', '   ', 'x'.repeat(65), 'two\nlines', 'bell\u0007', 'rtl\u202eoverride', 42, { first: 'a' }]) {
      const res = await setNameRaw(peer, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    const extra = await peer.api('/api/v1/settings/identity', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ok', admin: true }) });
    expect(extra.status).toBe(400);
    expect((await peer.client.getIdentity()).name).toBe('test-node');
    expect((await peer.publicClient.getInfo()).name).toBe('test-node');
  });
});

describe('names on the index', () => {
  it('tells peers of one name apart by a short-id suffix in search sources, the peers list and the topology', async () => {
    const names = sourceNames(await song());
    expect(names.size).toBe(3);
    const plain = [...names].filter(([, name]) => name === 'test-node');
    expect(plain).toHaveLength(1); // the peer registered first keeps the name
    for (const [peerId, name] of names) {
      if (name !== 'test-node') expect(name).toBe(`test-node (${shortNodeId(peerId)})`);
    }
    const listed = await atIndex().listPeers();
    expect(new Map(listed.items.map((p) => [p.peerId, p.name]))).toEqual(names);
    const one = await atIndex().getFile({ params: { fileId: (await song())!.id } });
    expect(sourceNames(one)).toEqual(names);
    const topology = await atIndex().topology();
    expect(new Map(topology.nodes.filter((n) => n.role === 'peer').map((n) => [n.id, n.name]))).toEqual(names);
    // The index node is "test-node" too, and not one of the peers: it is told apart as well.
    const indexNode = topology.nodes.find((n) => n.role === 'index');
    expect(indexNode?.name).toBe(`test-node (${shortNodeId(index.id)})`);
  });

  it('a new name is in /api/v1/info at once, registered with the index, and kept across a restart', async () => {
    const names = sourceNames(await song());
    // Rename the peer that holds the plain name: the next of that name takes it.
    const holder = peers.find((p) => names.get(p.id) === 'test-node') as TestNode;
    const res = await setNameRaw(holder, '  Kitchen PC  ');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Kitchen PC', custom: true, defaultName: 'test-node' });
    expect((await holder.publicClient.getInfo()).name).toBe('Kitchen PC');

    const others = peers.filter((p) => p !== holder);
    // Two peers named test-node are left: one plain (within a second: the index reads names
    // again at most once a second after registrations), one suffixed. Nobody was renamed by the index.
    const renamed = await pollUntil(async () => {
      const now = sourceNames(await song());
      return now.get(holder.id) === 'Kitchen PC' && others.filter((p) => now.get(p.id) === 'test-node').length === 1 && now;
    }, 'the index shows the new name, and the next test-node plain', 15_000);
    for (const p of others) expect([`test-node`, `test-node (${shortNodeId(p.id)})`]).toContain(renamed.get(p.id));

    // Names are compared without case or surrounding spaces: "TEST-NODE" is one more test-node.
    const [loud] = others as [TestNode];
    expect((await setName(loud, 'TEST-NODE')).name).toBe('TEST-NODE');
    const after = await pollUntil(async () => {
      const now = sourceNames(await song());
      return [...now.values()].some((n) => n.startsWith('TEST-NODE')) && now;
    }, 'the index shows TEST-NODE', 15_000);
    const stillPlain = [...after.values()].filter((n) => n.toLowerCase() === 'test-node');
    expect(stillPlain).toHaveLength(1);

    // Kept in the database: the name survives a restart; null goes back to the default.
    const root = holder.root;
    await holder.stop();
    restarted.push(holder);
    const again = await startTestNode({ root, peer: { super_peer_address: [indexUrl.replace('http://', '')] } });
    peers[peers.indexOf(holder)] = again;
    expect((await again.client.getIdentity()).name).toBe('Kitchen PC');
    expect(await setName(again, null)).toMatchObject({ name: 'test-node', custom: false });
    expect((await again.publicClient.getInfo()).name).toBe('test-node');
  });
});

describe('names across a federation', () => {
  const fed: TestNode[] = [];
  const fedPorts: number[] = [];
  const fedSearch = (i: number) => typedClient(indexRoutes, `127.0.0.1:${fedPorts[i]}`).search({ query: { q: 'federated anthem' } });

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) fedPorts.push(await freePort());
    // Two index servers, each knowing the other, each with one peer: every node is "test-node".
    // Heartbeats every second: at 300 ms a peer on a busy test machine went offline and back
    // again and again, and the other server's copy of it (a second behind) seldom showed it online
    // when its own did.
    for (let i = 0; i < 2; i++) {
      fed.push(await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: fedPorts[i], federation: [`127.0.0.1:${fedPorts[1 - i]}`], heartbeat_interval: '1s' } }));
    }
    for (let i = 0; i < 2; i++) {
      const peer = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${fedPorts[i]}`] } });
      await writeFile(join(peer.sharedDir, 'federated-anthem.mp3'), 'one anthem, two holders');
      fed.push(peer);
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(fed.map((n) => n.destroy()));
  });

  it('each index server keeps its own peer\u2019s name and tells the other server\u2019s apart', async () => {
    const [, , ownOfA, ownOfB] = fed as [TestNode, TestNode, TestNode, TestNode];
    for (const [i, own, other] of [[0, ownOfA, ownOfB], [1, ownOfB, ownOfA]] as const) {
      const names = await pollUntil(async () => {
        const answer = await fedSearch(i);
        if (!answer.items) throw new Error(JSON.stringify(answer));
        const found = sourceNames(answer.items[0]);
        return found.size === 2 && found;
      }, `index ${i} to list both holders`, 20_000);
      expect(names.get(own.id)).toBe('test-node');
      expect(names.get(other.id)).toBe(`test-node (${shortNodeId(other.id)})`);
    }
  });
});
