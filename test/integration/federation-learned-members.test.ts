// What an index server keeps about the index servers it learns from others, and what it passes
// on, with a real index server A and small hand-written ones (hostile-index.ts, each with its own
// key) that list what they are told:
// - a learned server is not pinned in the node's index pins (they hold the user's own index
//   servers, bounded: other servers' lists must not churn them); configured ones are, as before;
// - a learned server dropped for a blocked id is probed once: the next list naming it does not
//   teach it again, until it is unblocked;
// - an id only given (or claimed), not proved, is never passed on: neither in GET
//   /api/v1/federation nor in the topology, nor is a configured member that proved another id.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { freePort } from '../support/free-port.js';
import { startHostileIndex, type HostileIndex } from '../support/hostile-index.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let a: TestNode;
let e: TestNode;
let aAt: string;
let eAt: string;
/** K proves an id A blocked; H1, H2 and H3 list K (H2 E too); W is given an id that is not its own. */
let k: HostileIndex;
let h1: HostileIndex;
let h2: HostileIndex;
let h3: HostileIndex;
let w: HostileIndex;
const hostiles: HostileIndex[] = [];

const startIndex = (federation: string[] = [], enabled = true) => startTestNode({ peer: { share: false }, superPeer: { enabled, federation } });
const rows = async () => (await a.client.getFederation()).servers;
const answering = async (at: string) => (await rows()).some((s) => s.address === at && s.answering);
/** The addresses A's node state pins (read from its database, as the next start would). */
const pinnedAddresses = () => {
  const db = new Database(join(a.dataDir, 'shoal.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare<[string], { value: string }>('SELECT value FROM node_meta WHERE key = ?').get('index_pins');
    return (JSON.parse(row?.value ?? '[]') as string[]).map((entry) => entry.split('#')[0]);
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  e = await startIndex();
  eAt = `127.0.0.1:${(await e.client.getIndexRole()).port}`;
  k = await startHostileIndex('garbage', { advertise: [] });
  w = await startHostileIndex('garbage', { advertise: [] });
  h1 = await startHostileIndex('garbage', { advertise: [k.address] });
  h2 = await startHostileIndex('garbage', { advertise: [k.address, eAt] });
  h3 = await startHostileIndex('garbage', { advertise: [k.address] });
  hostiles.push(k, w, h1, h2, h3);
  a = await startIndex([h1.address], false);
  await a.client.setDeviceState({ params: { deviceId: k.id }, body: { state: 'blocked' } });
  await a.client.setIndexRole({ body: { enabled: true } });
  aAt = `127.0.0.1:${(await a.client.getIndexRole()).port}`;
}, 60_000);

afterAll(async () => {
  await Promise.all([a, e].map((n) => n?.destroy()));
  await Promise.all(hostiles.map((h) => h.close()));
});

describe('learned federation members', () => {
  it('a learned server proving a blocked id is probed once, not learned again from the next list until unblocked; none is pinned', async () => {
    // H1 names K with an id that is not blocked: K is learned, probed once, proves a blocked id, is dropped.
    await pollUntil(async () => k.listRequests === 1 && (await answering(h1.address)) && !(await rows()).some((s) => s.address === k.address), 'A to probe K once and drop it');

    // H2 names K again, and E: E is learned and answers; K is not asked again. (K's probe, had it
    // been learned again, goes out beside E's, so it would have arrived by the time E answered.)
    await a.client.setFederation({ body: { added: [h2.address] } });
    await pollUntil(() => answering(eAt), 'A to learn E from H2 and take it as a member');
    // The configured and added servers are pinned in the node state; the learned ones (E, K) are not.
    const pinned = pinnedAddresses();
    expect(pinned).toEqual(expect.arrayContaining([h1.address, h2.address]));
    expect(pinned).not.toContain(eAt);
    expect(pinned).not.toContain(k.address);

    expect(k.listRequests).toBe(1);
    expect((await rows()).map((s) => s.address)).not.toContain(k.address);

    // Unblocked, K may be learned again: H3's list teaches it, and it answers.
    await a.client.setDeviceState({ params: { deviceId: k.id }, body: { state: 'none' } });
    await a.client.setFederation({ body: { added: [h2.address, h3.address] } });
    await pollUntil(() => answering(k.address), 'A to learn K again once unblocked');
    expect(k.listRequests).toBeGreaterThan(1);
    expect(pinnedAddresses()).not.toContain(k.address);
  }, 40_000);

  it('passes on only proved ids: not one given with an address that never answered, nor a member that proved another id', async () => {
    const ghost = NodeKey.generate().id;
    const stranger = NodeKey.generate().id;
    const deadAt = `127.0.0.1:${await freePort()}`;
    await a.client.setFederation({ body: { added: [h2.address, h3.address, `${deadAt}#${ghost}`, `${w.address}#${stranger}`] } });
    const refused = await pollUntil(async () => {
      const row = (await rows()).find((s) => s.address === w.address);
      return row?.identity?.presented === w.id && row;
    }, 'W refused for proving its own id');

    const ids = (await typedClient(indexRoutes, aAt).topology()).nodes.map((n) => n.id);
    expect(ids).toContain(e.id);
    expect(ids).not.toContain(ghost);
    expect(ids).not.toContain(stranger);

    const listed = (await typedClient(federationRoutes, aAt).federationServers()).servers;
    expect(listed.find((s) => s.address === deadAt)).toMatchObject({ indexId: null, lastSeen: null }); // its address, not the id given
    expect(listed.map((s) => s.address)).not.toContain(w.address);
    expect(listed.find((s) => s.address === eAt)).toMatchObject({ indexId: e.id });

    // Settings shows the id given apart (identity) from the one proved (none).
    expect(refused).toMatchObject({ indexId: null, answering: false });
    expect((await rows()).find((s) => s.address === deadAt)).toMatchObject({ indexId: null, answering: false, identity: { nodeId: ghost } });
  }, 40_000);
});
