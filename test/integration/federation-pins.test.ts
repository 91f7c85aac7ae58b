// A federation member given with its node id (`host:port#NODEID`, issue 14) with real index
// servers: X federates with Y given Y's id and with Z given an id that is not Z's. Y is asked and
// its peer's file found; Z proves its own id over TLS, is refused (PEER_IDENTITY_MISMATCH, shown
// in Settings) and its peer's file never appears. In Settings the same: a mistyped id is refused
// before it is kept, a wrong one refused on contact, the right one used.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { freePort } from '../support/free-port.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let x: TestNode;
let y: TestNode;
let z: TestNode;
const nodes: TestNode[] = [];
let yAt: string;
let zAt: string;
let xAt: string;

const startIndex = (port: number, federation: string[] = []) =>
  startTestNode({ peer: { share: false }, superPeer: { enabled: true, port, federation, federation_learn: false } });
const search = (address: string, q: string) => typedClient(indexRoutes, address).search({ query: { q } });
const rowOf = async (node: TestNode, address: string) => (await node.client.getFederation()).servers.find((s) => s.address === address);

beforeAll(async () => {
  const [px, py, pz] = [await freePort(), await freePort(), await freePort()];
  [xAt, yAt, zAt] = [`127.0.0.1:${px}`, `127.0.0.1:${py}`, `127.0.0.1:${pz}`];
  y = await startIndex(py);
  z = await startIndex(pz);
  nodes.push(y, z);
  for (const [at, name] of [[yAt, 'yonder-chart.pdf'], [zAt, 'zebra-chart.pdf']] as const) {
    const peer = await startTestNode({ peer: { super_peer_address: [at] } });
    nodes.push(peer);
    await writeFile(join(peer.sharedDir, name), `the ${name}`);
    await pollUntil(async () => (await search(at, 'chart')).items.length === 1, `${name} indexed at ${at}`, 15_000);
  }
  // Z is given Y's id: another node than the one at that address.
  x = await startIndex(px, [`${yAt}#${y.id.toLowerCase()}`, `${zAt}#${y.id}`]);
  nodes.push(x);
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.destroy()));
});

describe('a federation member given with its id', () => {
  it('is used when it proves that id; one proving another is refused and its results never appear', async () => {
    const found = await pollUntil(async () => {
      const answer = await search(xAt, 'chart');
      return answer.items.some((r) => r.name === 'yonder-chart.pdf') && answer;
    }, 'X to find the file registered on Y', 15_000);
    expect(found.items.map((r) => r.name)).toEqual(['yonder-chart.pdf']);

    const refused = await pollUntil(async () => {
      const row = await rowOf(x, zAt);
      return row?.identity?.presented === z.id && row;
    }, 'Z refused for proving its own id');
    expect(refused).toMatchObject({ origin: 'configured', answering: false, identity: { nodeId: y.id, presented: z.id } });
    expect(await rowOf(x, yAt)).toMatchObject({ answering: true, indexId: y.id, identity: { nodeId: y.id, presented: null } });
    expect((await x.client.getFederation()).configured).toEqual([`${yAt}#${y.id}`, `${zAt}#${y.id}`]);

    // After Z was tried and refused: still only Y asked, Z's file nowhere, Z not passed on to others.
    const again = await search(xAt, 'chart');
    expect(again.items.map((r) => r.name)).toEqual(['yonder-chart.pdf']);
    expect(again.federation).toMatchObject({ asked: 1 });
    expect((await search(xAt, 'zebra')).items).toEqual([]);
    expect((await typedClient(federationRoutes, xAt).federationServers()).servers.map((s) => s.address)).toEqual([yAt]);
  }, 40_000);

  it('in Settings: a mistyped id is refused as a field error, a wrong one on contact, the right one is used', async () => {
    const w = await startIndex(await freePort());
    nodes.push(w);
    const wAt = `127.0.0.1:${(await w.client.getIndexRole()).port}`;
    const typo = `${z.id.slice(0, -1)}${z.id.endsWith('A') ? 'B' : 'A'}`;
    const bad = await w.api('/api/v1/settings/federation', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ added: [`${zAt}#${typo}`] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('a typo?') });
    expect((await w.client.getFederation()).added).toEqual([]);

    await w.client.setFederation({ body: { added: [`${zAt}#${y.id}`] } });
    const refused = await pollUntil(async () => {
      const row = await rowOf(w, zAt);
      return row?.identity?.presented === z.id && row;
    }, 'Z refused in Settings');
    expect(refused).toMatchObject({ origin: 'added', answering: false });
    expect((await search(wAt, 'zebra')).items).toEqual([]);

    // Given its own id, the same server is used.
    const set = await w.client.setFederation({ body: { added: [`${zAt}#${z.id}`] } });
    expect(set.added).toEqual([`${zAt}#${z.id}`]);
    await pollUntil(async () => (await rowOf(w, zAt))?.answering === true, 'Z used once given its own id');
    expect(await rowOf(w, zAt)).toMatchObject({ indexId: z.id, identity: { nodeId: z.id, presented: null } });
    const found = await pollUntil(async () => (await search(wAt, 'zebra')).items[0], 'W to find the file registered on Z');
    expect(found.name).toBe('zebra-chart.pdf');
  }, 40_000);
});
