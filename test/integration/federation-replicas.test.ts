// Replicas between federation members (federation/replica-puller.ts): two real index servers, A
// and B, copy each other's peers and file lists, so a search on either answers from its own store
// without asking the other; a change on one shows on the other; a peer that moves from B to A
// becomes A's and B's copy; a member that dies keeps its copy for 3 heartbeat intervals, then
// loses it; one the user blocks loses it at once. A hostile member's copy is bounded and checked,
// and only members may pull a feed.
// Turned off, replicas kept from before go, and the member is asked instead.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes, type IndexedFile } from '../../src-shared/api/index-routes.js';
import { replicaRoutes } from '../../src-shared/api/replica-routes.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { freePort } from '../support/free-port.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startHostileIndex, type HostileIndex } from '../support/hostile-index.js';
import { pollUntil } from '../support/poll.js';
import { signedRegistration, startAddressResponder, type AddressResponder } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const indexAt = (port: number) => typedClient(indexRoutes, `http://127.0.0.1:${port}`);
const statsOf = async (port: number) => (await typedClient(federationRoutes, `http://127.0.0.1:${port}`).federationServers()).stats!;
const file = (name: string): IndexedFile => ({ id: randomBytes(32).toString('hex'), name, size: 1234, mime: 'text/plain', category: 'document', tags: [], pieceSize: 262_144 });
/** Heartbeats of the peers registered by hand, each to the index it last registered with (as a node's index client sends them). */
const sessions = new Map<string, { port: number; token: string }>();
const heartbeats = setInterval(() => {
  for (const [peerId, s] of sessions) void typedClient(indexRoutes, `http://127.0.0.1:${s.port}`, s.token).heartbeat({ body: { peerId } }).catch(() => undefined);
}, 300);
afterAll(() => clearInterval(heartbeats));
const register = async (port: number, responder: AddressResponder, files: IndexedFile[]) => {
  const idx = indexAt(port);
  const answer = await idx.register({ body: signedRegistration(responder.key, { name: 'replicated peer', address: '127.0.0.1', port: responder.port, files }, await idx.challenge()) });
  sessions.set(responder.id, { port, token: answer.sessionToken });
  return answer;
};
const names = async (port: number, q: string) => {
  const answer = await indexAt(port).search({ query: { q } });
  return { names: answer.items.map((r) => r.name).sort(), asked: answer.federation?.asked, items: answer.items };
};
const peerIds = async (port: number) => (await indexAt(port).listPeers()).items.map((p) => p.peerId);

describe('federation members copy each other\u2019s peers', () => {
  let a: TestNode;
  let b: TestNode;
  const ports: number[] = [];
  const responders: AddressResponder[] = [];

  beforeAll(async () => {
    ports.push(await freePort(), await freePort());
    // A heartbeat interval of 1 s: a member that stops answering keeps its copy 3 s.
    const start = (i: number) => startTestNode({
      peer: { share: false }, superPeer: { enabled: true, port: ports[i], federation: [`127.0.0.1:${ports[1 - i]}`], heartbeat_interval: '1s' },
    });
    [a, b] = await Promise.all([start(0), start(1)]);
    for (let i = 0; i < 2; i++) responders.push(await startAddressResponder(NodeKey.generate()));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy(), ...responders.map((r) => r.close())]);
  });

  it('a peer registered with B is found on A from A\u2019s own store: A asks nobody, B gets no query', async () => {
    const peer = responders[0]!;
    await register(ports[1]!, peer, [file('replica-harbour-chart.txt')]);
    const found = await pollUntil(async () => {
      const r = await names(ports[0]!, 'harbour chart');
      return r.names.length === 1 && r.asked === 0 && r;
    }, 'A to find B\u2019s peer\u2019s file in its copy', 20_000);
    expect(found.items[0]!.sources.map((s) => s.url)).toEqual([expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${peer.port}/api/v1/download/`))]);
    const before = (await statsOf(ports[1]!)).forwardedReceived;
    for (let i = 0; i < 3; i++) expect((await names(ports[0]!, 'harbour chart')).names).toEqual(['replica-harbour-chart.txt']);
    expect((await statsOf(ports[1]!)).forwardedReceived).toBe(before);
    // The copy is not A's peer: A lists and counts only its own.
    expect(await peerIds(ports[0]!)).not.toContain(peer.id);
    expect(await peerIds(ports[1]!)).toContain(peer.id);
  });

  it('a change on B shows on A: the peer\u2019s new list replaces the old', async () => {
    const peer = responders[0]!;
    await register(ports[1]!, peer, [file('replica-lighthouse-log.txt')]);
    await pollUntil(async () => (await names(ports[0]!, 'lighthouse log')).names.length === 1, 'A to copy the new list', 20_000);
    await pollUntil(async () => (await names(ports[0]!, 'harbour chart')).names.length === 0, 'A to forget the file the peer no longer lists', 20_000);
  });

  it('a peer that moves from B to A becomes A\u2019s own, and B keeps it as A\u2019s copy', async () => {
    const peer = responders[0]!;
    await register(ports[0]!, peer, [file('replica-lighthouse-log.txt')]);
    expect(await peerIds(ports[0]!)).toContain(peer.id);
    await pollUntil(async () => !(await peerIds(ports[1]!)).includes(peer.id), 'B to hand the peer over to A', 20_000);
    const onB = await pollUntil(async () => {
      const r = await names(ports[1]!, 'lighthouse log');
      return r.names.length === 1 && r.asked === 0 && r;
    }, 'B to find the moved peer\u2019s file in its copy of A', 20_000);
    expect(onB.items[0]!.sourceCount).toBe(1);
  });

  it('a member that dies keeps its copy for 3 heartbeat intervals, then loses it', async () => {
    const other = responders[1]!;
    await register(ports[1]!, other, [file('replica-tide-table.txt')]);
    await pollUntil(async () => {
      const r = await names(ports[0]!, 'tide table');
      return r.names.length === 1 && r.asked === 0;
    }, 'A to answer from its copy of B\u2019s second peer', 20_000);
    await b.destroy();
    // Its peers are moving meanwhile: no search misses their files.
    expect((await names(ports[0]!, 'tide table')).names).toEqual(['replica-tide-table.txt']);
    await pollUntil(async () => (await names(ports[0]!, 'tide table')).names.length === 0, 'A to drop the dead member\u2019s copy', 20_000);
    // A's own peer (the one that moved) stays.
    expect((await names(ports[0]!, 'lighthouse log')).names).toEqual(['replica-lighthouse-log.txt']);
    sessions.delete(other.id);
  });
});

describe('a member the user blocks', () => {
  it('loses its copy at once, not after the grace', async () => {
    const ports = [await freePort(), await freePort()];
    // Heartbeats every 10 s: a member that stops answering would keep its copy 30 s.
    const start = (i: number) => startTestNode({
      peer: { share: false }, superPeer: { enabled: true, port: ports[i], federation: [`127.0.0.1:${ports[1 - i]}`], heartbeat_interval: '10s' },
    });
    const [a, c] = await Promise.all([start(0), start(1)]);
    const peer = await startAddressResponder(NodeKey.generate());
    try {
      await register(ports[1]!, peer, [file('replica-reef-warning.txt')]);
      await pollUntil(async () => {
        const r = await names(ports[0]!, 'reef warning');
        return r.names.length === 1 && r.asked === 0;
      }, 'A to answer from its copy of C', 20_000);
      await a.client.setDeviceState({ params: { deviceId: c.id }, body: { state: 'blocked' } });
      await pollUntil(async () => (await names(ports[0]!, 'reef warning')).names.length === 0, 'A to drop the blocked member\u2019s copy', 10_000);
    } finally {
      sessions.delete(peer.id);
      await Promise.all([a.destroy(), c.destroy(), peer.close()]);
    }
  });
});

describe('a hostile member\u2019s copy', () => {
  let a: TestNode;
  let hostile: HostileIndex;
  let garbage: HostileIndex;
  let portA = 0;
  const peer = (address: string, files: IndexedFile[]) => ({
    peerId: NodeKey.generate().id, name: 'copied', address, port: 9001, status: 'online', registeredAt: Date.now(), files,
  });
  const page = {
    epoch: 'hostile-epoch', reset: false, removed: [], next: 5, more: false,
    peers: [
      peer('127.0.0.1', [file('copied-first-keeper.txt')]),
      // No downloader may be sent there: not copied.
      peer('169.254.169.254', [file('copied-metadata-thief.txt')]),
      // More files than A lets one peer list (max_files_per_peer 5): refused.
      peer('127.0.0.1', Array.from({ length: 6 }, (_, i) => file(`copied-bulky-${i}.txt`))),
      peer('127.0.0.1', [file('copied-second-keeper.txt')]),
      // Past A's max_peers (2) for one member: refused.
      peer('127.0.0.1', [file('copied-one-too-many.txt')]),
    ],
  };

  beforeAll(async () => {
    portA = await freePort();
    // The page once; after it, nothing new.
    hostile = await startHostileIndex('garbage', { junk: 0, replica: (url) => (url.searchParams.get('epoch') === page.epoch ? { ...page, peers: [] } : page) });
    garbage = await startHostileIndex('garbage', { junk: 0, replica: () => ({ epoch: 'x', reset: false, peers: 'not a list', removed: [], next: 0, more: false }) });
    a = await startTestNode({
      peer: { share: false },
      superPeer: { enabled: true, port: portA, federation: [hostile.address, garbage.address], heartbeat_interval: '1s', max_peers: 2, max_files_per_peer: 5 },
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.destroy(), hostile?.close(), garbage?.close()]);
  });

  it('keeps only what passes A\u2019s own bounds and checks', async () => {
    const found = await pollUntil(async () => {
      const r = await names(portA, 'copied');
      return r.names.includes('copied-first-keeper.txt') && r;
    }, 'A to copy the hostile member\u2019s peers', 20_000);
    expect(found.names).toEqual(['copied-first-keeper.txt', 'copied-second-keeper.txt']);
    for (const r of found.items) expect(r.sources[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:9001\/api\/v1\/download\//);
    // The member whose pages fail their schema is asked as before: A has no copy to answer for it.
    const answer = await indexAt(portA).search({ query: { q: 'copied' } });
    expect(answer.federation?.asked).toBe(1);
    const { replicas } = await pollUntil(async () => {
      const stats = await statsOf(portA);
      return stats.replicas!.failures > 0 && stats;
    }, 'the garbage member\u2019s pull to fail');
    expect(replicas).toMatchObject({ peers: 2, refused: 3 });
  });

  it('only a member may pull a feed: a stranger gets 403', async () => {
    await expect(typedClient(replicaRoutes, `http://127.0.0.1:${portA}`).federationReplica({ query: {} }))
      .rejects.toMatchObject({ status: 403, code: 'NOT_A_FEDERATION_MEMBER' });
  });
});

describe('replicas turned off', () => {
  it('drops the copies kept from before, and asks the member instead', async () => {
    const dir = await makeTempDir();
    const ports = [await freePort(), await freePort()];
    const b = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: ports[1], heartbeat_interval: '1s' } });
    const startA = (replicas: boolean) => startTestNode({
      root: dir.path, peer: { share: false }, superPeer: { enabled: true, port: ports[0], federation: [`127.0.0.1:${ports[1]}`], heartbeat_interval: '1s', federation_replicas: replicas },
    });
    let a = await startA(true);
    const responder = await startAddressResponder(NodeKey.generate());
    try {
      await register(ports[1]!, responder, [file('replica-buoy-list.txt')]);
      await pollUntil(async () => (await names(ports[0]!, 'buoy list')).asked === 0, 'A to answer from its copy of B', 20_000);
      expect((await indexAt(ports[0]!).stats()).uniqueFiles).toBe(1);
      await a.stop();
      a = await startA(false);
      await pollUntil(async () => (await indexAt(ports[0]!).stats()).uniqueFiles === 0, 'A to drop the copy', 20_000);
      const found = await pollUntil(async () => {
        const r = await names(ports[0]!, 'buoy list');
        return r.names.length === 1 && r;
      }, 'A to find the file by asking B', 20_000);
      expect(found.asked).toBe(1);
    } finally {
      sessions.delete(responder.id);
      await Promise.all([a.stop(), b.destroy(), responder.close()]);
      await dir.remove();
    }
  });
});
