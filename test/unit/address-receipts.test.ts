// Which address receipts spare a call-back (index/address-receipts.ts): fresh, signed by this index
// or one it trusts, for exactly that peer, address and port. Real keys; the clock is passed in.
import { describe, expect, it } from 'vitest';
import { ADDRESS_RECEIPT_TTL_MS } from '../../src-shared/api/index-routes.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { AddressReceipts } from '../../src-main/core/index/address-receipts.js';

const self = NodeKey.generate();
const member = NodeKey.generate();
const outsider = NodeKey.generate();
const peer = NodeKey.generate().id;
let now = 1_000_000_000;
const receiptsOf = (key: NodeKey) => new AddressReceipts({ indexId: key.id, sign: (t) => key.sign(t), trusts: (id) => id === member.id, now: () => now });
const ours = receiptsOf(self);

describe('address receipts', () => {
  it('ours and a trusted member\u2019s spare the call-back while fresh', () => {
    for (const issuer of [self, member]) {
      const receipt = receiptsOf(issuer).issue(peer, '10.0.0.7', 4000);
      expect(ours.spares(receipt, peer, '10.0.0.7', 4000)).toBe(true);
      now += ADDRESS_RECEIPT_TTL_MS;
      expect(ours.spares(receipt, peer, '10.0.0.7', 4000)).toBe(true);
      now += 1;
      expect(ours.spares(receipt, peer, '10.0.0.7', 4000)).toBe(false);
    }
  });

  it('an outsider\u2019s, one for another peer, address or port, one dated far ahead, or none does not', () => {
    expect(ours.spares(receiptsOf(outsider).issue(peer, '10.0.0.7', 4000), peer, '10.0.0.7', 4000)).toBe(false);
    const receipt = receiptsOf(member).issue(peer, '10.0.0.7', 4000);
    expect(ours.spares(receipt, NodeKey.generate().id, '10.0.0.7', 4000)).toBe(false);
    expect(ours.spares(receipt, peer, '10.0.0.8', 4000)).toBe(false);
    expect(ours.spares(receipt, peer, '10.0.0.7', 4001)).toBe(false);
    expect(ours.spares({ ...receipt, indexId: self.id }, peer, '10.0.0.7', 4000)).toBe(false); // signed by the member, not us
    expect(ours.spares(undefined, peer, '10.0.0.7', 4000)).toBe(false);
    now -= 2 * 60_000; // the issuer's clock two minutes ahead of ours
    expect(ours.spares(receipt, peer, '10.0.0.7', 4000)).toBe(false);
    now += 2 * 60_000;
  });
});
