// Registrations a stranger can't forge (issue 14): before node keys, anyone could re-register a
// known peer id with their own address, replay a registration, or point the index at someone
// else's machine or at any URL. Each attack runs here against a real index and a real peer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractApi } from '../../src-shared/api/contract-client.js';
import { indexRoutes, type RegisterRequest } from '../../src-shared/api/index-routes.js';
import { normalizeNodeId, publicKeyOfNodeId, shortNodeId } from '../../src-shared/node-id.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { registrationStatement } from '../../src-main/core/identity/signed-statement.js';
import { PROTOCOL_VERSION } from '../../src-shared/api/protocol.js';
import { pollUntil } from '../support/poll.js';
import { postRegistration, signedRegistration, startAddressResponder, type AddressResponder, type HandRegistration } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

let index: TestNode;
let victim: TestNode;
let base: string;
let idx: ContractApi<typeof indexRoutes>;
const responders: AddressResponder[] = [];

/** The catalogue error of a raw answer (registrations the contract refuses, sent raw on purpose). */
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const peers = async () => (await idx.listPeers()).items;
/** Registers `key` as the protocol wants it (a fresh challenge, signed), through the typed client. */
const register = async (key: NodeKey, body: HandRegistration) => idx.register({ body: signedRegistration(key, body, await idx.challenge()) });

beforeAll(async () => {
  // Heartbeats minutes apart: the victim must be online when a test looks, and at 300 ms a loaded
  // machine could leave it silent for three intervals (offline until its next heartbeat).
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '5m' } });
  const role = await index.client.getIndexRole();
  base = `http://127.0.0.1:${role.port}`;
  idx = typedClient(indexRoutes, base);
  victim = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${role.port}`] } });
  await pollUntil(async () => (await peers()).some((p) => p.peerId === victim.id), 'the victim registered');
});
afterAll(async () => {
  await Promise.all([victim?.destroy(), index?.destroy(), ...responders.map((r) => r.close())]);
});

describe('node ids', () => {
  it('are the node key, readable, with check characters that catch a typo', () => {
    const key = NodeKey.generate();
    expect(key.id).toMatch(/^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/);
    expect(normalizeNodeId(key.id.toLowerCase().replaceAll('-', ''))).toBe(key.id);
    expect(Buffer.from(publicKeyOfNodeId(key.id) ?? [])).toEqual(key.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
    const typo = key.id.slice(0, 3) + (key.id[3] === 'A' ? 'B' : 'A') + key.id.slice(4);
    expect(normalizeNodeId(typo)).toBeUndefined();
    expect(shortNodeId(key.id)).toBe(key.id.slice(0, 7));
    expect(victim.id).not.toBe(index.id);
  });
});

describe('a stranger', () => {
  it('cannot take over another peer\u2019s registration, however often it tries', async () => {
    const before = (await peers()).find((p) => p.peerId === victim.id);
    expect(before?.port).toBe(victim.port);
    const attacker = await startAddressResponder();
    responders.push(attacker);
    for (let i = 0; i < 5; i++) {
      // Its own key cannot sign for the victim's id.
      const { indexId, challenge } = await idx.challenge();
      const body: RegisterRequest = {
        peerId: victim.id, name: 'victim', port: attacker.port, address: '127.0.0.1', protocol: PROTOCOL_VERSION, files: [], challenge,
        signature: attacker.key.sign(registrationStatement({ indexId, challenge, peerId: victim.id, address: '127.0.0.1', port: attacker.port })),
      };
      await expect(idx.register({ body })).rejects.toMatchObject({ status: 401, code: 'SIGNATURE_INVALID' });
    }
    const after = (await peers()).find((p) => p.peerId === victim.id);
    expect(after).toMatchObject({ port: victim.port, status: 'online', registeredAt: before?.registeredAt });
  });

  it('cannot replay a registration it saw', async () => {
    const peer = await startAddressResponder();
    responders.push(peer);
    const { indexId, challenge } = await idx.challenge();
    expect(indexId).toBe(index.id);
    const body: RegisterRequest = {
      peerId: peer.id, name: 'seen', port: peer.port, protocol: PROTOCOL_VERSION, files: [], challenge,
      signature: peer.key.sign(registrationStatement({ indexId, challenge, peerId: peer.id, port: peer.port })),
    };
    expect((await idx.register({ body })).peerId).toBe(peer.id);
    await expect(idx.register({ body })).rejects.toMatchObject({ status: 401, code: 'CHALLENGE_INVALID' });
    // Nor make up a challenge.
    const forged = { ...body, challenge: `${(Date.now() + 30_000).toString(36)}.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA` };
    await expect(idx.register({ body: forged })).rejects.toMatchObject({ code: 'CHALLENGE_INVALID' });
  });

  it('cannot point downloaders at someone else\u2019s machine: the index calls the address back first', async () => {
    const attacker = NodeKey.generate();
    // The victim's real port: the node there answers with its own id, not the attacker's.
    await expect(register(attacker, { name: 'liar', port: victim.port, address: '127.0.0.1', files: [] })).rejects.toMatchObject({
      status: 422, code: 'ADDRESS_UNREACHABLE', message: expect.stringContaining(`another node (${shortNodeId(victim.id)})`),
    });
    // A port nobody answers on.
    await expect(register(attacker, { name: 'nobody', port: 1, address: '127.0.0.1', files: [] })).rejects.toMatchObject({ code: 'ADDRESS_UNREACHABLE' });
    expect((await peers()).some((p) => p.peerId === attacker.id)).toBe(false);
  });

  it('cannot make an address of a URL: a host and a port, nothing else', async () => {
    const attacker = await startAddressResponder();
    responders.push(attacker);
    // Sent raw: the contract refuses these addresses, so the typed client would not send them.
    for (const address of ['evil.example/phish?x=', 'http://evil.example', '127.0.0.1:80', 'user@127.0.0.1', 'a b', '']) {
      const res = await postRegistration(base, attacker.key, { name: 'url', port: attacker.port, address, files: [] });
      expect(res.status, address).toBe(400);
      expect((await errorOf(res)).code).toBe('VALIDATION_FAILED');
    }
    expect((await peers()).some((p) => p.peerId === attacker.id)).toBe(false);
    // The same key with a plain host is welcome.
    expect((await register(attacker.key, { name: 'fine', port: attacker.port, address: 'LOCALHOST', files: [] })).peerId).toBe(attacker.id);
    expect((await peers()).find((p) => p.peerId === attacker.id)?.address).toBe('localhost');
  });
});
