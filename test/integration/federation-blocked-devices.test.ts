// Federation members and blocked devices, with real index servers: an index server whose node id
// is a device this node blocked is not learned from another server's list, asked, listed or shown
// in the topology; its own calls to this index (a forwarded query, a list request, a registration)
// are refused by its TLS key; and blocking a member that answers drops it at once.
//   C federates with B and D, so C's list names both with their ids; A federates with C only and
//   has blocked B before its index role starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateNodeKey } from '../../src-main/core/identity/node-key.js';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { requestAs } from '../support/node-tls-client.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let a: TestNode;
let b: TestNode;
let c: TestNode;
let d: TestNode;
const address: Record<string, string> = {};

const startIndex = (federation: string[] = [], enabled = true) => startTestNode({ peer: { share: false }, superPeer: { enabled, federation } });
const indexAddress = async (n: TestNode) => `127.0.0.1:${(await n.client.getIndexRole()).port}`;
const answering = async (n: TestNode, at: string) => (await n.client.getFederation()).servers.some((s) => s.address === at && s.answering);
const searchA = () => typedClient(indexRoutes, address.a as string).search({ query: { q: 'anything' } });
const listOfA = async () => (await typedClient(federationRoutes, address.a as string).federationServers()).servers;
const topologyIdsOfA = async () => (await typedClient(indexRoutes, address.a as string).topology()).nodes.map((n) => n.id);
const block = (n: TestNode, deviceId: string) => n.client.setDeviceState({ params: { deviceId }, body: { state: 'blocked' } });

beforeAll(async () => {
  b = await startIndex();
  d = await startIndex();
  address.b = await indexAddress(b);
  address.d = await indexAddress(d);
  c = await startIndex([address.b, address.d]);
  address.c = await indexAddress(c);
  await pollUntil(async () => (await answering(c, address.b as string)) && answering(c, address.d as string), 'C to know B and D by their ids');
  a = await startIndex([address.c], false);
  await block(a, b.id);
  await a.client.setIndexRole({ body: { enabled: true } });
  address.a = await indexAddress(a);
}, 60_000);

afterAll(async () => {
  await Promise.all([a, b, c, d].map((n) => n?.destroy()));
});

describe('federation members that are blocked devices', () => {
  it('a server another one lists with a blocked id is not learned, asked, listed nor shown', async () => {
    // D, named in the same list, is learned and answers: the list was read.
    await pollUntil(async () => (await answering(a, address.c as string)) && answering(a, address.d as string), 'A to take C and D as members');
    expect((await a.client.getFederation()).servers.map((s) => s.address)).not.toContain(address.b);
    expect((await searchA()).federation?.asked).toBe(2);
    expect((await listOfA()).map((s) => s.address)).not.toContain(address.b);
    const ids = await topologyIdsOfA();
    expect(ids).toEqual(expect.arrayContaining([c.id, d.id]));
    expect(ids).not.toContain(b.id); // not even from C's own graph
  });

  it('its own calls are refused by its key: a forwarded query, its list request (so it is not learned as a caller), a registration', async () => {
    const key = await loadOrCreateNodeKey(b.dataDir);
    const port = Number((address.a as string).split(':')[1]);
    const ownPort = (address.b as string).split(':')[1];
    for (const path of [`/api/v1/search?q=anything&fq=${'f'.repeat(22)}&hops=2&budget=200`, `/api/v1/federation?port=${ownPort}`, '/api/v1/peers/challenge']) {
      const answer = await requestAs(key, port, path);
      expect(answer.status, path).toBe(403);
      expect(answer.json<{ error: { code: string } }>().error.code, path).toBe('DEVICE_BLOCKED');
    }
    expect((await a.client.getFederation()).servers.map((s) => s.address)).not.toContain(address.b);
  });

  it('blocking a member that answers drops it at once: no further query, not listed, not shown', async () => {
    const before = await searchA();
    expect(before.federation?.asked).toBe(2);
    await block(a, d.id);
    const after = await searchA();
    expect(after.federation?.asked).toBe(1);
    expect((await listOfA()).map((s) => s.address)).not.toContain(address.d);
    expect(await topologyIdsOfA()).not.toContain(d.id);
    expect(await answering(a, address.d as string)).toBe(false); // Settings says so at once too
  });

  it('a server added by hand that proves a blocked id on its first probe is no member, and is not asked again', async () => {
    await a.client.setFederation({ body: { added: [address.b as string] } });
    const entry = await pollUntil(async () => (await a.client.getFederation()).servers.find((s) => s.address === address.b && s.indexId === b.id), 'A to probe B once and find its id blocked');
    expect(entry.answering).toBe(false);
    expect((await searchA()).federation?.asked).toBe(1); // C only: B blocked from the start, D since
    expect((await listOfA()).map((s) => s.address)).not.toContain(address.b);
  });
});
