// A socket's remote address as people and other peers write it: an IPv4 client on a dual-stack
// socket arrives as "::ffff:1.2.3.4", which is "1.2.3.4".
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
