// An index server's address, optionally with the node id it must prove: `host:port#NODEID`, like
// an SSH known_hosts line or a Syncthing device id given up front. Without an id, a node trusts
// the index on first use and keeps the id it proved (its pin); with one, it trusts nothing else
// there, from the first contact. Only the full id counts (its check characters catch a typo); the
// seven-letter short form is too short to be a key.
import { z } from 'zod';
import { normalizeNodeId } from '../node-id.js';
import { HOST_PORT } from './common.js';

export interface IndexAddress {
  /** `host:port`, the host lower-cased and the port without leading zeros. */
  address: string;
  /** The node id given after `#` (its one written form), if any. */
  nodeId?: string;
}

/** `host:port` or `host:port#NODEID`, read without judging: see indexAddressSchema for the checks. */
export function splitIndexAddress(text: string): IndexAddress {
  const hash = text.indexOf('#');
  const address = canonicalHostPort((hash < 0 ? text : text.slice(0, hash)).trim());
  if (hash < 0) return { address };
  const nodeId = normalizeNodeId(text.slice(hash + 1).trim());
  return nodeId ? { address, nodeId } : { address };
}

/** The ids given with index addresses (`host:port#NODEID`), by address: the pins these win over. */
export function givenIndexIds(addresses: readonly string[]): Map<string, string> {
  return new Map(addresses.map(splitIndexAddress).flatMap((a) => (a.nodeId ? [[a.address, a.nodeId] as const] : [])));
}

/** The written form: `host:port`, or `host:port#NODEID`. */
export function joinIndexAddress(a: IndexAddress): string {
  return a.nodeId ? `${a.address}#${a.nodeId}` : a.address;
}

/**
 * One spelling per server, the one a URL gives (so the dialer, which pins by the URL it calls, and
 * the ids given in the configuration agree): host names are case-insensitive, "08080" is port
 * 8080, `127.1` is 127.0.0.1, `[0:0::1]` is `[::1]`, a non-ASCII name is its punycode.
 */
export function canonicalHostPort(address: string): string {
  const match = HOST_PORT.exec(address);
  if (!match) return address;
  const port = Number(match[2]);
  try {
    return `${new URL(`http://${match[1] as string}:${port}`).hostname}:${port}`;
  } catch {
    return `${(match[1] as string).toLowerCase()}:${port}`; // not a host a URL takes: nothing dials it either
  }
}

/** Why `text` is not an index address, or undefined when it is one. */
function problemOf(text: string): string | undefined {
  const hash = text.indexOf('#');
  const hostPort = (hash < 0 ? text : text.slice(0, hash)).trim();
  const port = Number(HOST_PORT.exec(hostPort)?.[2]);
  if (!(port >= 1 && port <= 65535)) return 'expected "host:port", like "192.168.1.20:8080", or "host:port#NODEID" with the index server\u2019s node id';
  if (hash < 0) return undefined;
  const id = text.slice(hash + 1).trim();
  if (normalizeNodeId(id)) return undefined;
  if (/^[A-Za-z2-7]{7}$/.test(id)) return `"${id}" is a short node id: give the index server\u2019s full id after "#" (63 characters, as its Settings shows it)`;
  return `"${id.slice(0, 80)}" is not a node id (56 base32 characters in 8 groups, check characters included): a typo?`;
}

/** `host:port` or `host:port#NODEID`, checked (a mistyped id is refused) and written in one form. */
export const indexAddressSchema = z.string().trim().max(400)
  .transform((text, ctx) => {
    const problem = problemOf(text);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return joinIndexAddress(splitIndexAddress(text));
  });

/**
 * An index address kept in the node state: `host:port` or `host:port#NODEID`, in any spelling a
 * release wrote (rows written before one spelling was kept still read); the reader writes it in
 * its one form (joinIndexAddress(splitIndexAddress(…))).
 */
export const writtenIndexAddressSchema = z.string().max(400)
  .refine((text) => problemOf(text) === undefined, 'expected "host:port" or "host:port#NODEID"');

/** A kept pin (node state): a written index address with its id. */
export const pinnedIndexAddressSchema = writtenIndexAddressSchema.refine((text) => splitIndexAddress(text).nodeId !== undefined, 'expected "host:port#NODEID"');

/** Index server ids a node keeps (pins, node state) at most: the least recently used goes first. */
export const MAX_INDEX_PINS = 256;
