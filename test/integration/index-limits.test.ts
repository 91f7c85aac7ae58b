// Per-address limits on the index (issue 14): before them, 10,000 registrations from one address
// filled max_peers in 20 s and locked real peers out for minutes, and twenty 5,000-file
// registrations grew the database by 676 MB. Here an attacker on other loopback addresses
// (127.0.0.2 and up: Linux routes all of 127/8 to lo) registers as many identities as it can,
// against a real index, and a real peer still registers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes, type IndexedFile } from '../../src-shared/api/index-routes.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { registerFrom, requestFrom } from '../support/crowd-registration.js';
import { pollUntil } from '../support/poll.js';
import { startAddressResponder, type AddressResponder } from '../support/signed-registration.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

/** Plain HTTP: hundreds of hand-made registrations, each called back; TLS would only slow them (the call-back over TLS is tested in encryption.test.ts). */
const PLAIN = { enable_encryption: false };

// Registrations go raw (registerFrom): each is sent from a chosen loopback address, which the
// typed client cannot choose; what the index lists and accepts afterwards goes through it.
type ErrorBody = { error: { code: string; message: string } };
const responders: AddressResponder[] = [];
const nodes: TestNode[] = [];

afterAll(async () => {
  await Promise.all([...nodes.map((n) => n.destroy()), ...responders.map((r) => r.close())]);
});

async function startIndex(superPeer: Record<string, unknown>): Promise<{ index: TestNode; base: string; address: string }> {
  const index = await startTestNode({ security: PLAIN, peer: { share: false }, superPeer: { enabled: true, ...superPeer } });
  nodes.push(index);
  const role = await index.client.getIndexRole();
  return { index, base: `http://127.0.0.1:${role.port}`, address: `127.0.0.1:${role.port}` };
}

async function responderOn(host: string): Promise<AddressResponder> {
  const r = await startAddressResponder(undefined, host);
  responders.push(r);
  return r;
}

const fileOf = (i: number): IndexedFile => ({
  id: i.toString(16).padStart(64, 'a'), name: `file-${i}.txt`, size: 100 + i, mime: 'text/plain', category: 'document', tags: [], pieceSize: 262_144,
});

describe('one address', () => {
  let base: string;
  let indexAddress: string;

  beforeAll(async () => {
    ({ base, address: indexAddress } = await startIndex({ max_peers: 20, max_peers_per_address: 5, max_registrations_per_address: 0 }));
  });

  it('cannot fill max_peers: 400 identities from one address get max_peers_per_address entries, and a real peer elsewhere still registers', async () => {
    const attacker = '127.0.0.2';
    const ok: string[] = [];
    const codes = new Map<string, number>();
    // Identities that can answer the call-back (a server each on the attacker's address) ...
    for (let i = 0; i < 8; i++) {
      const r = await responderOn(attacker);
      const res = await registerFrom(attacker, base, r.key, { name: `sybil-${i}`, port: r.port, address: attacker, files: [] });
      if (res.status === 200) ok.push(r.id);
      else codes.set(res.json<ErrorBody>().error.code, (codes.get(res.json<ErrorBody>().error.code) ?? 0) + 1);
    }
    // ... and thousands more that are refused before the index even calls back.
    const started = performance.now();
    for (let batch = 0; batch < 8; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => {
        const key = NodeKey.generate();
        return registerFrom(attacker, base, key, { name: 'sybil', port: 9, address: attacker, files: [] });
      }));
      for (const res of answers) {
        expect(res.status).toBe(429);
        const code = res.json<ErrorBody>().error.code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    const seconds = (performance.now() - started) / 1000; // refused before any call-back: cheap
    expect(ok).toHaveLength(5);
    expect(codes.get('TOO_MANY_PEERS')).toBe(400 + 3);
    const listed = await typedClient(indexRoutes, base).listPeers({ query: { pageSize: 50 } });
    expect(listed.total).toBe(5);

    // A real peer, from 127.0.0.1, registers as if nothing had happened.
    const real = await startTestNode({ security: PLAIN, peer: { super_peer_address: [indexAddress] } });
    nodes.push(real);
    await pollUntil(async () => {
      const peers = await typedClient(indexRoutes, base).listPeers({ query: { pageSize: 50 } });
      return peers.items.some((p) => p.peerId === real.id && p.status === 'online');
    }, 'the real peer registered');
    expect(seconds).toBeLessThan(60);
  }, 120_000);

  it('counts the claimed address and the observed one each: moving either to a fresh address does not help', async () => {
    // An index of its own, where 127.0.0.2 fills its max_peers_per_address (5) here, not in the test above.
    const { base } = await startIndex({ max_peers: 20, max_peers_per_address: 5, max_registrations_per_address: 0 });
    for (let i = 0; i < 5; i++) {
      const r = await responderOn('127.0.0.2');
      expect((await registerFrom('127.0.0.2', base, r.key, { name: `filler-${i}`, port: r.port, address: '127.0.0.2', files: [] })).status).toBe(200);
    }
    // Claiming 127.0.0.2 from elsewhere is refused ...
    const claimFull = await responderOn('127.0.0.2');
    const fromElsewhere = await registerFrom('127.0.0.4', base, claimFull.key, { name: 'x', port: claimFull.port, address: '127.0.0.2', files: [] });
    expect(fromElsewhere.status).toBe(429);
    expect(fromElsewhere.json<ErrorBody>().error.code).toBe('TOO_MANY_PEERS');
    // ... and so is claiming a fresh address from it.
    const fresh = await responderOn('127.0.0.3');
    const fromFull = await registerFrom('127.0.0.2', base, fresh.key, { name: 'x', port: fresh.port, address: '127.0.0.3', files: [] });
    expect(fromFull.status).toBe(429);
    expect(fromFull.json<ErrorBody>().error.message).toMatch(/127\.0\.0\.2/);
    // From a fresh address claiming a fresh address: welcome.
    const both = await registerFrom('127.0.0.4', base, fresh.key, { name: 'x', port: fresh.port, address: '127.0.0.3', files: [] });
    expect(both.status).toBe(200);
  });

  it('an IPv6 /64 counts as one address', async () => {
    const { addressKey } = await import('../../src-main/core/index/address-keys.js');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:ffff:1:2:3'));
    expect(addressKey('[2001:db8:1:2::1]')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('Peer.Example')).toBe('peer.example');
  });
});

describe('registrations per minute', () => {
  it('beyond max_registrations_per_address, one address gets 429 with Retry-After before its body is read; others are not slowed', async () => {
    const { base } = await startIndex({ max_registrations_per_address: 10 });
    const flooder = '127.0.0.5';
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 15; i++) {
      const res = await registerFrom(flooder, base, NodeKey.generate(), { name: 'flood', port: 9, address: flooder, files: [] });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.json<ErrorBody>().error.code).toBe('RATE_LIMITED');
        retryAfter = res.headers['retry-after'] as string;
      }
    }
    // Ten were taken up (and failed on their own: nothing answers at port 9), five refused at the door.
    expect(statuses.slice(0, 10).every((s) => s === 422)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(6);
    // A body far over the size cap is refused at the door too: never read.
    const big = await requestFrom(flooder, `${base}/api/v1/peers/register`, { method: 'POST', body: { junk: 'x'.repeat(1024 * 1024) } });
    expect(big.status).toBe(429);
    // Another address is not slowed.
    const other = await responderOn('127.0.0.6');
    const res = await registerFrom('127.0.0.6', base, other.key, { name: 'honest', port: other.port, address: '127.0.0.6', files: [] });
    expect(res.status).toBe(200);
  }, 30_000);
});

describe('files per peer and the body size', () => {
  let base: string;
  beforeAll(async () => {
    ({ base } = await startIndex({ max_files_per_peer: 10, max_request_body: '64KB' }));
  });

  it('a registration or update beyond max_files_per_peer is refused with TOO_MANY_FILES, and changes nothing', async () => {
    const r = await responderOn('127.0.0.1');
    const eleven = Array.from({ length: 11 }, (_, i) => fileOf(i));
    const refused = await registerFrom('127.0.0.1', base, r.key, { name: 'big', port: r.port, address: '127.0.0.1', files: eleven });
    expect(refused.status).toBe(413);
    expect(refused.json<ErrorBody>().error).toMatchObject({ code: 'TOO_MANY_FILES' });
    expect(refused.json<ErrorBody>().error.message).toMatch(/at most 10 files/);
    const res = await registerFrom('127.0.0.1', base, r.key, { name: 'big', port: r.port, address: '127.0.0.1', files: eleven.slice(0, 10) });
    expect(res.status).toBe(200);
    const { sessionToken } = res.json<{ sessionToken: string }>();
    const asPeer = typedClient(indexRoutes, base, sessionToken);
    await expect(asPeer.registerFiles({ body: { peerId: r.id, added: [fileOf(10)] } })).rejects.toMatchObject({ status: 413, code: 'TOO_MANY_FILES' });
    // A rename of a file it has is no new file; one out, one in is room.
    await asPeer.registerFiles({ body: { peerId: r.id, added: [{ ...fileOf(3), name: 'renamed.txt' }] } });
    const swap = await asPeer.registerFiles({ body: { peerId: r.id, added: [fileOf(10)], removed: [fileOf(0).id] } });
    expect(swap.files).toBe(10);
  });

  it('the peers of one address list at most max_files_per_address files in all', async () => {
    const { base: capped } = await startIndex({ max_files_per_peer: 10, max_files_per_address: 25 });
    const listed: string[] = [];
    let refused: ErrorBody['error'] | undefined;
    for (let p = 0; p < 4 && !refused; p++) {
      const r = await responderOn('127.0.0.7');
      const files = Array.from({ length: 10 }, (_, i) => fileOf(1000 + p * 10 + i));
      const res = await registerFrom('127.0.0.7', capped, r.key, { name: `p${p}`, port: r.port, address: '127.0.0.7', files });
      if (res.status === 200) listed.push(r.id);
      else refused = res.json<ErrorBody>().error;
    }
    expect(listed).toHaveLength(2); // 20 files; a third peer's 10 would make 30
    expect(refused).toMatchObject({ code: 'TOO_MANY_FILES' });
    expect(refused?.message).toMatch(/max_files_per_address.*127\.0\.0\.7 list 20/);
    // Another address is not held back.
    const other = await responderOn('127.0.0.8');
    const res = await registerFrom('127.0.0.8', capped, other.key, { name: 'o', port: other.port, address: '127.0.0.8', files: [fileOf(2000)] });
    expect(res.status).toBe(200);
  });

  it('a body over max_request_body is 413 BODY_TOO_LARGE', async () => {
    const r = await responderOn('127.0.0.1');
    const padded = Array.from({ length: 30 }, (_, i) => ({ ...fileOf(i), name: `${'n'.repeat(1000)}-${i}`, tags: Array.from({ length: 60 }, (_, t) => `tag-${t}-${'t'.repeat(30)}`) }));
    const res = await registerFrom('127.0.0.1', base, r.key, { name: 'padded', port: r.port, address: '127.0.0.1', files: padded });
    expect(res.status).toBe(413);
    expect(res.json<ErrorBody>().error.code).toBe('BODY_TOO_LARGE');
  });
});
