// A socket's remote address as people and other peers write it: an IPv4 client on a dual-stack
// socket arrives as "::ffff:1.2.3.4", which is "1.2.3.4". And whether it is this machine.
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = plainAddress(address);
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}
