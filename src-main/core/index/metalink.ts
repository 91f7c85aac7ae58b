// A Metalink 4 document (RFC 5854) for one file: its size, its whole-content SHA-256 and every
// online source's download address, so a stock client (aria2c) downloads from several peers at
// once and verifies what it got. No `<pieces>`: Shoal's piece hashes are nodes of a hash tree, not
// SHA-256s of the pieces' bytes, so a Metalink client could not check them. Built with fast-xml-parser's XMLBuilder, which escapes text and attributes:
// names come from peers and may hold anything.
import { XMLBuilder } from 'fast-xml-parser';
import { safeFileName } from '../files/safe-file-name.js';

export const METALINK_CONTENT_TYPE = 'application/metalink4+xml';
const METALINK_NS = 'urn:ietf:params:xml:ns:metalink';
/** RFC 5854 §4.2.16.2: priorities run from 1 (best) to 999999. */
const MAX_PRIORITY = 999_999;

export interface MetalinkFile {
  fileId: string;
  name: string;
  size: number;
  /** The whole content's SHA-256. */
  sha256: string;
  /** Download addresses, best first. */
  urls: readonly string[];
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, processEntities: true });

/** Characters XML 1.0 cannot carry at all (escaping does not help): they become `_`. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/**
 * The file name a client will write: a plain base name (RFC 5854 §4.1.2.1 forbids paths and `..`).
 * `&` goes too: aria2c 1.36 (libxml2's SAX parser) writes `&amp;` in an attribute as `&#38;`.
 */
export function metalinkFileName(name: string, fileId: string): string {
  return safeFileName(name.replace(NOT_XML, '_').replace(/&/g, '_'), fileId);
}

export function buildMetalink(f: MetalinkFile): string {
  const file: Record<string, unknown> = {
    '@_name': metalinkFileName(f.name, f.fileId),
    size: f.size,
    hash: { '@_type': 'sha-256', '#text': f.sha256 },
  };
  file.url = f.urls.map((url, i) => ({ '@_priority': Math.min(i + 1, MAX_PRIORITY), '#text': url.replace(NOT_XML, '') }));
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    metalink: { '@_xmlns': METALINK_NS, generator: 'Shoal index server', file },
  }) as string;
}
