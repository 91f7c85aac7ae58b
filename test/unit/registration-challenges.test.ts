// Registration challenges: good once, for a minute, and only this index's (a fake clock drives expiry).
import { describe, expect, it } from 'vitest';
import { CHALLENGE_TTL_MS, RegistrationChallenges } from '../../src-main/core/index/registration-challenges.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { registrationStatement, signedBy, statement } from '../../src-main/core/identity/signed-statement.js';

describe('registration challenges', () => {
  it('are good once, until they expire, and only where they were issued', () => {
    let now = 1_000_000;
    const challenges = new RegistrationChallenges(() => now);
    const a = challenges.issue();
    const b = challenges.issue();
    expect(a).not.toBe(b);
    expect(challenges.redeem(a)).toBe('ok');
    expect(challenges.redeem(a)).toBe('used');
    expect(new RegistrationChallenges(() => now).redeem(b)).toBe('malformed'); // another index's secret
    expect(challenges.redeem(`${b.slice(0, -1)}${b.endsWith('A') ? 'B' : 'A'}`)).toBe('malformed');
    expect(challenges.redeem('not.a.challenge')).toBe('malformed');
    now += CHALLENGE_TTL_MS;
    expect(challenges.redeem(b)).toBe('expired');
  });
});

describe('signed statements', () => {
  it('verify only for the key the id names, the exact text and the purpose', () => {
    const key = NodeKey.generate();
    const other = NodeKey.generate();
    const fields = { indexId: other.id, challenge: 'c', peerId: key.id, address: '10.0.0.1', port: 9001 };
    const signature = key.sign(registrationStatement(fields));
    expect(signedBy(key.id, registrationStatement(fields), signature)).toBe(true);
    expect(signedBy(other.id, registrationStatement(fields), signature)).toBe(false);
    expect(signedBy(key.id, registrationStatement({ ...fields, port: 9002 }), signature)).toBe(false);
    expect(signedBy(key.id, statement('address', ['c']), key.sign(statement('register', ['c'])))).toBe(false);
    expect(signedBy('not an id', 'x', signature)).toBe(false);
    expect(signedBy(key.id, 'x', '!!!')).toBe(false);
    expect(() => statement('address', ['a\nb'])).toThrow();
  });
});
