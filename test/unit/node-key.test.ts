// The node key: its id is its raw public key, and a new key shares nothing with its generator job,
// which deadlocked Node 20 when a garbage collection freed it during a JWK export (node-key.ts).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NodeKey, rawPublicKey } from '../../src-main/core/identity/node-key.js';

describe('NodeKey', () => {
  it('reads the 32 bytes of the public key, as its JWK gives them', () => {
    const key = NodeKey.generate();
    const x = key.publicKey.export({ format: 'jwk' }).x as string;
    expect(rawPublicKey(key.publicKey).toString('base64url')).toBe(x);
    expect(rawPublicKey(key.publicKey)).toHaveLength(32);
  });

  it('refuses a key that is not Ed25519', () => {
    expect(() => rawPublicKey(generateKeyPairSync('x25519').publicKey)).toThrow(/not an Ed25519 key/);
    expect(() => rawPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toThrow(/not an Ed25519 key/);
  });

  it('makes thousands of keys while the collector runs all the time, without hanging', () => {
    // A 1 MB young generation collects every few keys: with keys straight from generateKeyPairSync, 5 runs of 6 hung here.
    const module = fileURLToPath(new URL('../../src-main/core/identity/node-key.ts', import.meta.url));
    const script = `const { NodeKey } = await import(${JSON.stringify(module)}); const ids = new Set(); for (let i = 0; i < 20000; i++) ids.add(NodeKey.generate().id); console.log(ids.size);`;
    const run = spawnSync(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('20000');
  }, 40_000);
});
