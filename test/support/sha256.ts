// The one SHA-256 the tests use, so a test states what it hashes, not how.
import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of `data`: the form of file ids, token ids and `sha256sum`'s output. */
export const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The raw 32-byte SHA-256 of `data`: a hash tree's nodes. */
export const sha256Bytes = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
