// Which index servers a search (or a topology, a file lookup) asks, in order: the one this node is
// registered with, then the rest of its list, but a server known not to answer goes last, so
// when the index server in use dies the next one (this node's own index, say) answers at once
// instead of after a timeout per dead server.

export function searchOrder(addresses: readonly (string | null | undefined)[], unreachable: ReadonlySet<string>): string[] {
  const all = [...new Set(addresses.filter((a): a is string => !!a))];
  return [...all.filter((a) => !unreachable.has(a)), ...all.filter((a) => unreachable.has(a))];
}
