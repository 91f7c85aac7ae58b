// Address receipts (index/address-receipts.ts): an index server that called a peer back signs that
// it reached it there; another server of its federation takes that receipt instead of calling the
// peer back (a failover), and no one else's. Real index servers, a real peer key and call-back
// server; each test closes the peer's port first, so a registration that succeeds was not called back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes, type AddressReceipt } from '../../src-shared/api/index-routes.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { freePort } from '../support/free-port.js';
import { pollUntil } from '../support/poll.js';
import { signedRegistration, startAddressResponder } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let a: TestNode;
let b: TestNode;
let stranger: TestNode;
const ports: number[] = [];

const indexAt = (port: number, token?: string) => typedClient(indexRoutes, `http://127.0.0.1:${port}`, token);
const register = async (port: number, key: NodeKey, peerPort: number, receipt?: AddressReceipt) => {
  const idx = indexAt(port);
  return idx.register({ body: signedRegistration(key, { name: 'receipt holder', address: '127.0.0.1', port: peerPort, files: [], ...(receipt ? { receipt } : {}) }, await idx.challenge()) });
};

/** A peer key registered with the index at `port` (called back there), its port then closed. */
async function registeredThenGone(port: number): Promise<{ key: NodeKey; peerPort: number; receipt: AddressReceipt; token: string }> {
  const key = NodeKey.generate();
  const responder = await startAddressResponder(key);
  try {
    const answer = await register(port, key, responder.port);
    expect(answer.receipt).toMatchObject({ address: '127.0.0.1', port: responder.port });
    return { key, peerPort: responder.port, receipt: answer.receipt as AddressReceipt, token: answer.sessionToken };
  } finally {
    await responder.close();
  }
}

beforeAll(async () => {
  ports.push(await freePort(), await freePort());
  // A and B federate; the stranger is an index server neither knows.
  [a, b, stranger] = await Promise.all([
    startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: ports[0], federation: [`127.0.0.1:${ports[1]}`], heartbeat_interval: '5m' } }),
    startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: ports[1], federation: [`127.0.0.1:${ports[0]}`], heartbeat_interval: '5m' } }),
    startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '5m' } }),
  ]);
  // A believes B's receipts once B proved its id to A.
  await pollUntil(async () => (await typedClient(federationRoutes, `http://127.0.0.1:${ports[0]}`).federationServers()).servers.some((s) => s.indexId === b.id), 'A to know B by its id', 20_000);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.destroy(), b?.destroy(), stranger?.destroy()]);
});

describe('address receipts', () => {
  it('a peer registered with one server of a federation registers with another without a call-back', async () => {
    const { key, peerPort, receipt } = await registeredThenGone(ports[1] as number);
    expect(receipt.indexId).toBe(b.id);
    // Nobody answers at its port now: only the receipt can have spared the call-back.
    const answer = await register(ports[0] as number, key, peerPort, receipt);
    expect(answer.address).toBe('127.0.0.1');
    expect(answer.receipt).toMatchObject({ indexId: a.id, port: peerPort });
    const listed = (await indexAt(ports[0] as number).listPeers()).items.find((p) => p.peerId === key.id);
    expect(listed).toMatchObject({ address: '127.0.0.1', port: peerPort, status: 'online' });
  });

  it('the server that gave a receipt takes it back too (the peers of an index restarting)', async () => {
    const { key, peerPort, receipt } = await registeredThenGone(ports[0] as number);
    await expect(register(ports[0] as number, key, peerPort, receipt)).resolves.toMatchObject({ peerId: key.id });
  });

  it('a receipt from outside the federation, for another port, altered, or another peer\u2019s is not believed: the index calls back', async () => {
    const outsider = await registeredThenGone((await stranger.client.getIndexRole()).port as number);
    const unreachable = { status: 422, code: 'ADDRESS_UNREACHABLE' };
    await expect(register(ports[0] as number, outsider.key, outsider.peerPort, outsider.receipt)).rejects.toMatchObject(unreachable);

    const member = await registeredThenGone(ports[1] as number);
    await expect(register(ports[0] as number, member.key, member.peerPort + 1, { ...member.receipt, port: member.peerPort + 1 })).rejects.toMatchObject(unreachable);
    await expect(register(ports[0] as number, member.key, member.peerPort, { ...member.receipt, at: member.receipt.at + 1 })).rejects.toMatchObject(unreachable);
    // Signed for one peer, shown by another at the same address.
    await expect(register(ports[0] as number, NodeKey.generate(), member.peerPort, member.receipt)).rejects.toMatchObject(unreachable);
    const listed = (await indexAt(ports[0] as number).listPeers()).items.map((p) => p.peerId);
    expect(listed).not.toContain(outsider.key.id);
    expect(listed).not.toContain(member.key.id);
  });

  it('a heartbeat that asks for one gets a new receipt for where the index lists the peer', async () => {
    const { key, peerPort, receipt, token } = await registeredThenGone(ports[1] as number);
    const plain = await indexAt(ports[1] as number, token).heartbeat({ body: { peerId: key.id } });
    expect(plain.receipt).toBeUndefined();
    const renewed = await indexAt(ports[1] as number, token).heartbeat({ body: { peerId: key.id, renewReceipt: true } });
    expect(renewed.receipt).toMatchObject({ indexId: b.id, address: '127.0.0.1', port: peerPort });
    expect(renewed.receipt?.at).toBeGreaterThanOrEqual(receipt.at);
    await expect(register(ports[0] as number, key, peerPort, renewed.receipt)).resolves.toMatchObject({ peerId: key.id });
  });
});
