// "Federate with" in Settings: an index server added live (PUT /api/v1/settings/federation, the
// local user only) joins the federation at once; a search then finds its peers' files; removing
// it leaves the configured ones alone.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { freePort } from '../support/free-port.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let x: TestNode;
let y: TestNode;
let peer: TestNode;
let portX = 0;
let portY = 0;

const setFederation = (added: string[]) => x.client.setFederation({ body: { added } });
const searchX = (q: string) => typedClient(indexRoutes, `127.0.0.1:${portX}`).search({ query: { q } });

beforeAll(async () => {
  portX = await freePort();
  portY = await freePort();
  x = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: portX, federation_learn: false } });
  y = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: portY, federation_learn: false } });
  peer = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${portY}`] } });
  await writeFile(join(peer.sharedDir, 'only-on-y-manual.pdf'), 'the manual');
  await pollUntil(async () => {
    const r = await typedClient(indexRoutes, `127.0.0.1:${portY}`).search({ query: { q: 'manual' } });
    return r.items.length === 1;
  }, 'Y to index the manual', 15_000);
}, 60_000);

afterAll(async () => {
  await Promise.all([x, y, peer].map((n) => n.destroy()));
});

describe('federating from Settings', () => {
  it('an index server added live joins at once, and only the local user may add one', async () => {
    expect((await searchX('manual')).items).toEqual([]);
    await expect(x.publicClient.setFederation({ body: { added: [`127.0.0.1:${portY}`] } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    const set = await setFederation([`127.0.0.1:${portY}`, `127.0.0.1:${portY}`]);
    expect(set.added).toEqual([`127.0.0.1:${portY}`]);
    const view = await pollUntil(async () => {
      const v = await x.client.getFederation();
      return v.servers.some((s) => s.answering) && v;
    }, 'Y to answer');
    expect(view.servers).toEqual([expect.objectContaining({ address: `127.0.0.1:${portY}`, origin: 'added', indexId: y.indexRole.indexId, answering: true })]);
    const found = await pollUntil(async () => (await searchX('manual')).items[0], 'X to find the manual on Y');
    expect(found.name).toBe('only-on-y-manual.pdf');
  });

  it('a bad address is refused whole; removing the server takes it out of the federation', async () => {
    // Raw: the contract refuses the address before it leaves.
    const bad = await x.api('/api/v1/settings/federation', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ added: ['not an address'] }) });
    expect(bad.status).toBe(400);
    expect((await setFederation([])).servers).toEqual([]);
    expect((await searchX('manual')).items).toEqual([]);
  });
});
