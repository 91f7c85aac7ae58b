// Index servers that federate: three real index servers in a ring (A knows B, B knows C, C knows
// A), each with a peer of its own. A search on any of them finds the files of all three; a query
// reaches each server once, however the ring loops; the source lookups (GET /files/{id}, the
// redirect, the Metalink) list sources registered elsewhere; a download of a file found through
// the federation finishes; the topology shows the federation. Replicas are off here: this file
// tests forwarding (federation-replicas.test.ts tests the copies that spare it).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { sha256 } from '../support/sha256.js';
import { freePort } from '../support/free-port.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const names = ['alpha', 'beta', 'gamma'] as const;
const ports: number[] = [];
const indexes: TestNode[] = [];
const peers: TestNode[] = [];
const video = randomContent(300_000);

const at = (i: number) => `http://127.0.0.1:${ports[i]}`;
const indexAt = (i: number) => typedClient(indexRoutes, at(i));
const search = (i: number, query: { q: string; fq?: string; hops?: number; budget?: number }) => indexAt(i).search({ query });
const federationOf = (i: number) => typedClient(federationRoutes, at(i)).federationServers();

beforeAll(async () => {
  for (let i = 0; i < 3; i++) ports.push(await freePort());
  for (let i = 0; i < 3; i++) {
    indexes.push(await startTestNode({
      peer: { share: false },
      superPeer: { enabled: true, port: ports[i], federation: [`127.0.0.1:${ports[(i + 1) % 3]}`], heartbeat_interval: '1s', federation_replicas: false },
    }));
  }
  for (let i = 0; i < 3; i++) {
    const peer = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${ports[i]}`] } });
    await writeFile(join(peer.sharedDir, `${names[i]}-federated-notes.txt`), `notes of ${names[i]}`);
    peers.push(peer);
  }
  await writeFile(join(peers[2]!.sharedDir, 'gamma-holiday-video.mp4'), video.data);
}, 60_000);

afterAll(async () => {
  await Promise.all([...peers, ...indexes].map((n) => n.destroy()));
});

describe('index servers in a federation', () => {
  it('a search on any of them finds the files registered on all of them', async () => {
    for (let i = 0; i < 3; i++) {
      const found = await pollUntil(async () => {
        const answer = await search(i, { q: 'federated notes' });
        return answer.items.length === 3 && answer;
      }, `index ${names[i]} to find the three peers' notes`, 20_000);
      expect(found.items.map((r) => r.name).sort()).toEqual(names.map((n) => `${n}-federated-notes.txt`));
      expect(found.federation?.answered).toBeGreaterThan(0);
      for (const r of found.items) expect(r.sources[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/download\//);
    }
  });

  it('learns the ring into a mesh: each lists the other two, with last-seen times', async () => {
    for (let i = 0; i < 3; i++) {
      const list = await pollUntil(async () => {
        const l = await federationOf(i);
        return l.servers.filter((s) => s.lastSeen !== null).length === 2 && l;
      }, `index ${names[i]} to know the other two`);
      expect(list.indexId).toBe(indexes[i]!.indexRole.indexId);
      expect(new Set(list.servers.map((s) => s.indexId))).toEqual(new Set(indexes.filter((_, j) => j !== i).map((n) => n.indexRole.indexId)));
    }
  });

  it('a query reaches each server once: the mesh asks each directly, and none forwards it to one asked already', async () => {
    const before = await Promise.all([0, 1, 2].map(federationOf));
    const answer = await search(0, { q: 'federated notes' });
    expect(answer.items).toHaveLength(3);
    // Forwards that outlived a hop's wait still arrive: count once everything has settled.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b);
    const { received, refused } = await pollUntil(async () => {
      const after = await Promise.all([0, 1, 2].map(federationOf));
      const counts = {
        received: after.map((a, i) => a.stats!.forwardedReceived - before[i]!.stats!.forwardedReceived),
        refused: after.map((a, i) => a.stats!.duplicatesRefused - before[i]!.stats!.duplicatesRefused),
      };
      return sum(counts.received) >= 2 && counts;
    }, 'the forwards to settle');
    // A asks B and C, naming all three as asked: B and C forward it nowhere (it was 6 forwards, 4 of them repeats).
    expect(received).toEqual([0, 1, 1]);
    expect(refused).toEqual([0, 0, 0]);
    // The same query id sent again is refused at once, with nothing.
    const replay = await search(1, { q: 'federated notes', fq: answer.federation!.queryId, hops: 1, budget: 1000 });
    expect(replay.federation?.duplicate).toBe(true);
    expect(replay.items).toEqual([]);
  });

  it('source lookups answer for the federation: the file, the redirect, the Metalink', async () => {
    const [found] = (await pollUntil(async () => {
      const a = await search(0, { q: 'holiday video' });
      return a.items.length === 1 && a;
    }, 'the video through the federation', 20_000)).items;
    expect(found?.id).toBe(video.id);
    const file = await indexAt(0).getFile({ params: { fileId: video.id } });
    expect(file.sources.map((s) => s.peerId)).toEqual([peers[2]!.indexRole.indexId]);
    // Raw: the redirect is followed to the bytes, which are what is checked.
    const redirected = await fetch(`${at(1)}/api/v1/download/${video.id}`);
    expect(sha256(Buffer.from(await redirected.arrayBuffer()))).toBe(sha256(video.data));
    await expect(indexAt(0).getFile({ params: { fileId: '0'.repeat(64) } })).rejects.toMatchObject({ status: 404 });
  });

  it('a download of a file found through the federation finishes', async () => {
    // peers[0] is registered with A only; the video is on peers[2], registered with C.
    const started = await startDownload(peers[0]!, { fileId: video.id });
    const done = await waitForDownload(peers[0]!, started.id, 'completed');
    expect(done.state).toBe('completed');
  });

  it('the topology shows every index server, the links between them and their peers', async () => {
    const topology = await indexAt(0).topology();
    const ids = new Set(topology.nodes.map((n) => n.id));
    for (const n of [...indexes, ...peers]) expect(ids.has(n.indexRole.indexId)).toBe(true);
    expect(topology.nodes.filter((n) => n.role === 'index')).toHaveLength(3);
    const links = topology.edges.filter((e) => e.kind === 'federation').map((e) => `${e.source}>${e.target}`);
    expect(links).toContain(`${indexes[1]!.indexRole.indexId}>${indexes[2]!.indexRole.indexId}`);
    expect(topology.edges).toContainEqual({ source: peers[2]!.indexRole.indexId, target: indexes[2]!.indexRole.indexId, kind: 'registration' });
    // Where each is reached (the Network view's hover): every peer at the address it registered,
    // the other index servers where A reaches them; A knows no address of its own.
    const node = (role: string, id: string) => topology.nodes.find((n) => n.role === role && n.id === id);
    for (const p of peers) expect(node('peer', p.indexRole.indexId)?.address).toBe(`127.0.0.1:${p.port}`);
    for (const i of [1, 2]) expect(node('index', indexes[i]!.indexRole.indexId)?.address).toBe(`127.0.0.1:${ports[i]}`);
    expect(node('index', indexes[0]!.indexRole.indexId)?.address).toBeUndefined();
  });
});
