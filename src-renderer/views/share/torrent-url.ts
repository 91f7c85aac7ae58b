// Where "Copy .torrent" points: the index server this node is registered with, whose torrent lists
// every online source as a web seed (and which friends on the network can reach), else this node,
// whose torrent has itself as the one seed.

/** `ownOrigin`: the page's origin when the node served it, else the node on loopback (the desktop app). */
export function torrentUrl(fileId: string, indexServer: string | null, ownOrigin: string): string {
  const base = indexServer ? `http://${indexServer}` : ownOrigin;
  return `${base}/api/v1/files/${fileId}/torrent`;
}

/** The node's own origin as this page reaches it: the page's, unless the page is not served over HTTP (the desktop app). */
export function ownOrigin(location: { protocol: string; origin: string }, peerPort: number | undefined): string {
  if (location.protocol === 'http:' || location.protocol === 'https:') return location.origin;
  return `http://127.0.0.1:${peerPort ?? 9001}`;
}
