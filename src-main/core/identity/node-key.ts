// This node's identity: an Ed25519 key pair made at first start and kept in the data folder
// (user-only, written whole then renamed, so a crash never leaves half a key). The node id is
// the public key (src-shared/node-id.ts), so nobody can claim an id without the private key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeIdFromPublicKey } from '../../../src-shared/node-id.js';

export const NODE_KEY_FILE = 'node-key.pem';

export class NodeKey {
  readonly id: string;
  readonly publicKey: KeyObject;

  constructor(readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the node key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.publicKey = createPublicKey(privateKey);
    this.id = nodeIdFromPublicKey(rawPublicKey(this.publicKey));
  }

  sign(message: Uint8Array | string): string {
    return sign(null, typeof message === 'string' ? Buffer.from(message) : message, this.privateKey).toString('base64url');
  }

  /**
   * A new key, taken out of the generator as a JWK and read back, so that no KeyObject shares its
   * data with the generator job. Node 20 deadlocks when a KeyObject generateKeyPairSync returned
   * (or one derived from it) is exported to JWK while a garbage collection frees that job: the
   * job's destructor waits for the key's lock, which the export holds while it makes strings
   * (gdb: ExportJWKEdKey, an allocation, a collection, ~KeyGenJob). The load test and the
   * registration bench hung so, one run in a few, and a node could at its first start.
   */
  static generate(): NodeKey {
    // Node returns JWK objects for this encoding; @types/node has no overload for it.
    const { privateKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { format: 'jwk' }, publicKeyEncoding: { format: 'jwk' } }) as unknown as { privateKey: JsonWebKey };
    return new NodeKey(createPrivateKey({ key: privateKey, format: 'jwk' }));
  }
}

/**
 * The 32 bytes of an Ed25519 public key. From its JWK: the DER export goes through OpenSSL's
 * encoders, ~75 µs against ~1 µs, and this runs for every TLS connection (tls-peer-id.ts).
 */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** The key in `dataDirectory`, made (and saved, mode 0600) on first start. */
export async function loadOrCreateNodeKey(dataDirectory: string): Promise<NodeKey> {
  const file = join(dataDirectory, NODE_KEY_FILE);
  let pem: string | undefined;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (pem !== undefined) {
    try {
      return new NodeKey(createPrivateKey(pem));
    } catch (err) {
      // Never replace a damaged key silently: the id is how others know this node.
      throw new Error(`the node key ${file} is damaged (${(err as Error).message}); move it away to make a new identity`);
    }
  }
  const key = NodeKey.generate();
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, key.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
  return key;
}
