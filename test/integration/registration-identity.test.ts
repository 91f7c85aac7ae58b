// Registrations a stranger can't forge (issue 14): before node keys, anyone could re-register a
// known peer id with their own address, replay a registration, or point the index at someone
// else's machine or at any URL. Each attack runs here against a real index and a real peer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexPeer, RegisterRequest } from '../../src-shared/api/index-routes.js';
import { normalizeNodeId, publicKeyOfNodeId, shortNodeId } from '../../src-shared/node-id.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { registrationStatement } from '../../src-main/core/identity/signed-statement.js';
import { PROTOCOL_VERSION } from '../../src-shared/api/protocol.js';
import { pollUntil } from '../support/poll.js';
import { postRegistration, startAddressResponder, type AddressResponder } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

let index: TestNode;
let victim: TestNode;
let base: string;
const responders: AddressResponder[] = [];

type ErrorBody = { error: { code: string; message: string } };
const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;
const peers = async () => ((await (await fetch(`${base}/api/v1/peers`)).json()) as { items: IndexPeer[] }).items;

beforeAll(async () => {
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, heartbeat_interval: '300ms' } });
  const role = await index.json<{ port: number }>('/api/v1/settings/index-role');
  base = `http://127.0.0.1:${role.port}`;
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
      const { indexId, challenge } = (await (await fetch(`${base}/api/v1/peers/challenge`)).json()) as { indexId: string; challenge: string };
      const body: RegisterRequest = {
        peerId: victim.id, name: 'victim', port: attacker.port, address: '127.0.0.1', protocol: PROTOCOL_VERSION, files: [], challenge,
        signature: attacker.key.sign(registrationStatement({ indexId, challenge, peerId: victim.id, address: '127.0.0.1', port: attacker.port })),
      };
      const res = await fetch(`${base}/api/v1/peers/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('SIGNATURE_INVALID');
    }
    const after = (await peers()).find((p) => p.peerId === victim.id);
    expect(after).toMatchObject({ port: victim.port, status: 'online', registeredAt: before?.registeredAt });
  });

  it('cannot replay a registration it saw', async () => {
    const peer = await startAddressResponder();
    responders.push(peer);
    const { indexId, challenge } = (await (await fetch(`${base}/api/v1/peers/challenge`)).json()) as { indexId: string; challenge: string };
    expect(indexId).toBe(index.id);
    const body = JSON.stringify({
      peerId: peer.id, name: 'seen', port: peer.port, protocol: PROTOCOL_VERSION, files: [], challenge,
      signature: peer.key.sign(registrationStatement({ indexId, challenge, peerId: peer.id, port: peer.port })),
    });
    const send = () => fetch(`${base}/api/v1/peers/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe('CHALLENGE_INVALID');
    // Nor make up a challenge.
    const forged = JSON.parse(body) as RegisterRequest;
    forged.challenge = `${(Date.now() + 30_000).toString(36)}.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`;
    const made = await fetch(`${base}/api/v1/peers/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
    expect((await errorOf(made)).code).toBe('CHALLENGE_INVALID');
  });

  it('cannot point downloaders at someone else\u2019s machine: the index calls the address back first', async () => {
    const attacker = NodeKey.generate();
    // The victim's real port: the node there answers with its own id, not the attacker's.
    const res = await postRegistration(base, attacker, { name: 'liar', port: victim.port, address: '127.0.0.1', files: [] });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe('ADDRESS_UNREACHABLE');
    expect(error.message).toContain(`another node (${shortNodeId(victim.id)})`);
    // A port nobody answers on.
    const closed = await postRegistration(base, attacker, { name: 'nobody', port: 1, address: '127.0.0.1', files: [] });
    expect((await errorOf(closed)).code).toBe('ADDRESS_UNREACHABLE');
    expect((await peers()).some((p) => p.peerId === attacker.id)).toBe(false);
  });

  it('cannot make an address of a URL: a host and a port, nothing else', async () => {
    const attacker = await startAddressResponder();
    responders.push(attacker);
    for (const address of ['evil.example/phish?x=', 'http://evil.example', '127.0.0.1:80', 'user@127.0.0.1', 'a b', '']) {
      const res = await postRegistration(base, attacker.key, { name: 'url', port: attacker.port, address, files: [] });
      expect(res.status, address).toBe(400);
      expect((await errorOf(res)).code).toBe('VALIDATION_FAILED');
    }
    expect((await peers()).some((p) => p.peerId === attacker.id)).toBe(false);
    // The same key with a plain host is welcome.
    expect((await postRegistration(base, attacker.key, { name: 'fine', port: attacker.port, address: 'LOCALHOST', files: [] })).status).toBe(200);
    expect((await peers()).find((p) => p.peerId === attacker.id)?.address).toBe('localhost');
  });
});
