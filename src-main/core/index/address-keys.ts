// What the index's per-address limits count by. An IPv4 address is one key; an IPv6 address is
// keyed by its /64, since one host (one customer line) is commonly given a whole /64 and could
// otherwise register from 2^64 "addresses". A host name is its own key, lowercased: the index
// does not resolve names (the address call-back connects to it, which is proof enough that it
// reaches the registering node, but a wildcard DNS name gives any number of names to one machine;
// the observed source address, counted too, is what bounds that).
import { isIPv4, isIPv6 } from 'node:net';
import { plainAddress } from '../net/remote-address.js';

/** The key an address counts under for the per-address limits. */
export function addressKey(address: string): string {
  const plain = plainAddress(address.trim().toLowerCase().replace(/^\[|\]$/g, ''));
  if (isIPv4(plain)) return plain;
  if (isIPv6(plain)) return `${ipv6Prefix64(plain)}::/64`;
  return plain;
}

/** The first four groups of an IPv6 address, written fully (zero groups as 0). */
function ipv6Prefix64(address: string): string {
  const withoutZone = address.split('%')[0] ?? address;
  // An embedded IPv4 tail (::1.2.3.4) is two groups at the end: it never reaches the first four
  // unless the address is all tail, and then the prefix is zeros either way.
  const [head = '', tail] = withoutZone.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const rightGroups = right.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - rightGroups)).fill('0'), ...right];
  return groups.slice(0, 4).map((g) => (g.includes('.') ? '0' : (parseInt(g, 16) || 0).toString(16))).join(':');
}
