// Federation addresses and the network filter: an index server with security.blocked_networks
// never contacts an index server in a blocked network, whether a member advertised it, it is
// configured, or it was a member before the network was blocked (Settings → Networks). Every
// address here is loopback: 127.0.0.2 and 127.0.0.3 play the blocked networks.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { startHostileIndex, type HostileIndex } from '../support/hostile-index.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

/** A port that only counts the connections made to it (and closes them). */
interface Counter {
  address: string;
  readonly connections: number;
  close(): Promise<void>;
}

async function countingPort(host: string): Promise<Counter> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    address: `${host}:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let a: TestNode;
let indexA: string;
let member: HostileIndex;
let later: HostileIndex;
let blockedAdvertised: Counter;
let blockedConfigured: Counter;
let allowedAdvertised: Counter;

const federationView = () => a.client.getFederation();
const searchA = () => typedClient(indexRoutes, indexA).search({ query: { q: 'anything' } });

beforeAll(async () => {
  blockedAdvertised = await countingPort('127.0.0.2');
  blockedConfigured = await countingPort('127.0.0.2');
  allowedAdvertised = await countingPort('127.0.0.1');
  // A member that answers as an index server and advertises one address in a blocked network and one outside it.
  member = await startHostileIndex('liar', { advertise: [blockedAdvertised.address, allowedAdvertised.address] });
  later = await startHostileIndex('liar', { host: '127.0.0.3', advertise: [] });
  a = await startTestNode({
    peer: { share: false },
    superPeer: { enabled: true, federation: [member.address, blockedConfigured.address] },
    security: { blocked_networks: ['127.0.0.2/32'] },
  });
  indexA = `127.0.0.1:${(await a.client.getIndexRole()).port}`;
}, 30_000);

afterAll(async () => {
  await a.destroy();
  await Promise.all([member, later, blockedAdvertised, blockedConfigured, allowedAdvertised].map((x) => x.close()));
});

describe('federation addresses in blocked networks', () => {
  it('an address a member advertises, or one configured, in a blocked network is never contacted', async () => {
    // The member's list was read, and the address beside the blocked one in it was tried at once.
    await pollUntil(() => allowedAdvertised.connections > 0, 'A to try the allowed address the member advertised');
    await pollUntil(async () => (await federationView()).servers.some((s) => s.address === member.address && s.answering), 'the member to answer');
    await searchA(); // a query forwarded to every member
    expect(blockedAdvertised.connections).toBe(0);
    expect(blockedConfigured.connections).toBe(0);
    // Not learned (so not passed on to others either); the configured one is listed as not answering.
    const view = await federationView();
    expect(view.servers.map((s) => s.address)).not.toContain(blockedAdvertised.address);
    expect(view.servers.find((s) => s.address === blockedConfigured.address)?.answering).toBe(false);
    const list = await typedClient(federationRoutes, indexA).federationServers();
    expect(list.servers.map((s) => s.address)).not.toContain(blockedAdvertised.address);
  });

  it('a member whose network is blocked later gets no more queries', async () => {
    await a.client.setFederation({ body: { added: [later.address] } });
    await pollUntil(async () => (await federationView()).servers.some((s) => s.address === later.address && s.answering), 'the added member to answer');
    const before = await searchA();
    await pollUntil(() => later.queries > 0, 'a query forwarded to the added member');

    await a.client.setNetworkSettings({ body: { blockedNetworks: ['127.0.0.2/32', '127.0.0.3/32'] } });
    const queries = later.queries;
    const after = await searchA();
    // Asked one server fewer, at once: not after its next probe finds it blocked.
    expect(after.federation?.asked).toBe((before.federation?.asked ?? 0) - 1);
    expect(later.queries).toBe(queries);
  });
});
