// The node's TLS certificate: self-signed, made from the node key at every start (well under a
// millisecond; nothing to keep or renew). Nobody checks who signed it or when it expires: what a
// peer checks is its Ed25519 public key, which is the node id (tls-peer-id.ts).
//
// It is one fixed shape of X.509 (RFC 5280: v3, no extensions, Ed25519 per RFC 8410), so it is
// written here as DER directly and signed with node:crypto. A general X.509 library
// (@peculiar/x509, used before) took ~0.4 s of CPU just to import in every `shoal get`, whose
// whole download of 256 MiB takes ~1.5 s of CPU.
import { randomBytes, sign } from 'node:crypto';
import type { NodeKey } from './node-key.js';

const DAY_MS = 86_400_000;
/** id-Ed25519 (RFC 8410), an AlgorithmIdentifier with no parameters. */
const ED25519_ALGORITHM = der(0x30, der(0x06, Buffer.from([0x2b, 0x65, 0x70])));
/** id-at-commonName. */
const COMMON_NAME = der(0x06, Buffer.from([0x55, 0x04, 0x03]));

/** A PEM certificate for `key`, valid (for whoever looks) from yesterday for 20 years. */
export function makeNodeCertificate(key: NodeKey, now = Date.now()): string {
  const name = der(0x30, der(0x31, der(0x30, COMMON_NAME, der(0x0c, Buffer.from(`shoal-${key.id.slice(0, 7)}`)))));
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x10; // positive, and no leading zero byte to strip
  const tbs = der(0x30,
    der(0xa0, der(0x02, Buffer.from([2]))), // version v3
    der(0x02, serial),
    ED25519_ALGORITHM,
    name,
    der(0x30, time(new Date(now - DAY_MS)), time(new Date(now + 20 * 365 * DAY_MS))),
    name,
    key.publicKey.export({ format: 'der', type: 'spki' }),
  );
  const signature = sign(null, tbs, key.privateKey);
  const certificate = der(0x30, tbs, ED25519_ALGORITHM, der(0x03, Buffer.from([0]), signature));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

/** One DER element: tag, definite length, contents. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  if (n > 0xffff) throw new RangeError('a certificate element is never this long');
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, in whole seconds, UTC. */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${digits.slice(2)}Z`)) : der(0x18, Buffer.from(`${digits}Z`));
}
