// This node's identity: an Ed25519 key pair made at first start and kept in the data folder
// (user-only, written whole then renamed, so a crash never leaves half a key). The node id is
// the public key (src-shared/node-id.ts), so nobody can claim an id without the private key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
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

  static generate(): NodeKey {
    return new NodeKey(generateKeyPairSync('ed25519').privateKey);
  }
}

/** An Ed25519 public key's SubjectPublicKeyInfo: this prefix (RFC 8410), then the key's 32 bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The 32 bytes of an Ed25519 public key, read from its DER form, not its JWK: Node 20 deadlocks
 * when a key generateKeyPairSync made is exported to JWK while a garbage collection frees the
 * generator (its destructor waits for the key's lock, which the JWK export holds while it makes
 * strings). The load test hung so, one run in a few, and a node could at its first start.
 */
export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  if (der.length !== ED25519_SPKI_PREFIX.length + 32 || !der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) throw new Error('not an Ed25519 key');
  return der.subarray(ED25519_SPKI_PREFIX.length);
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
