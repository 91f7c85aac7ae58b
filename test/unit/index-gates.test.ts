// The index's small in-memory bookkeeping for issue 14: per-address token buckets
// (registration-gate.ts), the record of whom it sent where (referrals.ts), address keys.
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../src-main/core/index/address-keys.js';
import { MAX_ADDRESSES, RegistrationGate } from '../../src-main/core/index/registration-gate.js';
import { REFERRAL_TTL_MS, Referrals } from '../../src-main/core/index/referrals.js';

describe('RegistrationGate', () => {
  it('admits a minute\u2019s worth at once, then one per 60/n seconds, saying how long to wait', () => {
    let now = 0;
    const gate = new RegistrationGate(6, () => now); // 6 a minute: one every 10 s
    for (let i = 0; i < 6; i++) expect(gate.take('a')).toBe(0);
    expect(gate.take('a')).toBe(10);
    expect(gate.take('b')).toBe(0); // another address has its own bucket
    now += 5_000;
    expect(gate.take('a')).toBe(5);
    now += 5_000;
    expect(gate.take('a')).toBe(0);
    expect(new RegistrationGate(0, () => now).take('a')).toBe(0); // 0: no limit
  });

  it('keeps at most MAX_ADDRESSES buckets', () => {
    let now = 0;
    const gate = new RegistrationGate(1, () => now);
    for (let i = 0; i <= MAX_ADDRESSES + 10; i++) gate.take(`10.${i}`);
    expect((gate as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(MAX_ADDRESSES);
    now += 1;
    expect(gate.take(`10.${MAX_ADDRESSES + 10}`)).toBeGreaterThan(0); // the newest are kept
  });
});

describe('Referrals', () => {
  it('back one report per (address, file, source), for REFERRAL_TTL_MS', () => {
    let now = 0;
    const r = new Referrals(() => now);
    r.record('1.2.3.4', 'f', ['s1', 's2']);
    expect(r.use(['9.9.9.9'], 'f', 's1')).toBe(false);
    expect(r.use(['9.9.9.9', '1.2.3.4'], 'f', 's1')).toBe(true);
    expect(r.use(['1.2.3.4'], 'f', 's1')).toBe(false); // used up
    expect(r.use(['1.2.3.4'], 'g', 's2')).toBe(false); // another file
    now += REFERRAL_TTL_MS + 1;
    expect(r.use(['1.2.3.4'], 'f', 's2')).toBe(false); // too old
  });

  it('keep at most their bound of entries, the least recently recorded going first', () => {
    const r = new Referrals(() => 0, 10);
    for (let i = 0; i < 5; i++) r.record(`a${i}`, 'f', ['s1', 's2', 's3']);
    expect(r.size).toBeLessThanOrEqual(10);
    expect(r.use(['a0'], 'f', 's1')).toBe(false);
    expect(r.use(['a4'], 'f', 's1')).toBe(true);
  });
});

describe('addressKey', () => {
  it('is the IPv4 address, the IPv6 /64, or the name in lower case', () => {
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:DB8:0:1:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('Box.LAN')).toBe('box.lan');
  });
});
