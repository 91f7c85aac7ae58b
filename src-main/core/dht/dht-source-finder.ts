// Sources from the DHT. What the DHT answers is a claim ("host:port has the file"), so each peer it
// names is asked, bounded, for the file (`/api/v1/files/{id}`) and who it is (`/api/v1/info`):
// one that does not share the file, speaks another protocol, is this node, or is in a blocked
// network is left out. With encryption on (security.enable_encryption) they are asked over TLS
// through the node's dialer, accepting any node, and one must prove the node id it says it is, as
// a peer given by address must (source-finder.ts): its `peerId` is then that proven id, and its
// downloads are pinned to it. With encryption off its id is only what it says, so its `peerId` is
// null: nothing is reported to an index about it (a claimed id could frame another peer).
// Integrity never rests on the source: the piece list is proven against the id and every piece
// is checked.
//
// Used as a fallback: the index servers are asked first, and the DHT only when they gave no
// source (none known, none answering, the file unknown to them, or no source online).
import { sharedFileSchema, type SharedFile } from '../../../src-shared/api/library.js';
import { nodeInfoSchema, type NodeInfo } from '../../../src-shared/api/node.js';
import { PROTOCOL_VERSION } from '../../../src-shared/api/protocol.js';
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { nodeIdSchema } from '../../../src-shared/node-id.js';
import type { FoundFile, SourceFinder, SourceRef } from '../downloads/source-finder.js';
import { getJson } from '../net/get-json.js';
import type { NodeDialer } from '../net/node-dialer.js';
import type { DhtNode } from './dht-node.js';

/** Peers asked at once whether they really have the file. */
const CHECKS_AT_ONCE = 8;
const CHECK_TIMEOUT_MS = 4_000;
/** A file's metadata answer: a SharedFile is small; a peer sending more is not a source. */
const FILE_ANSWER_BYTES = 256 * 1024;
const INFO_ANSWER_BYTES = 16 * 1024;

export interface CheckedSource {
  source: SourceRef;
  file: SharedFile;
  info: NodeInfo;
}

export interface DhtFinderOptions {
  /** The running DHT node, or null while the DHT is off. */
  dht(): DhtNode | null;
  selfPeerId: string | null;
  peersPerLookup: number;
  /** Access control: a source in a blocked network is never used. */
  allows?(source: SourceRef): boolean;
  /** The node's dialer: TLS when encryption is on (then a DHT peer must prove its id), plain otherwise. */
  dialer?: NodeDialer;
}

/** Looks the file up in the DHT and checks every peer it names; the ones that have it, in the order found. */
export async function checkedDhtSources(o: DhtFinderOptions, fileId: string, signal?: AbortSignal): Promise<{ checked: CheckedSource[]; problem: string | null }> {
  const dht = o.dht();
  if (!dht) return { checked: [], problem: null };
  const peers = await dht.lookup(fileId, { maxPeers: o.peersPerLookup, ...(signal ? { signal } : {}) }).catch((err: unknown) => err as Error);
  if (peers instanceof Error) return { checked: [], problem: `the DHT: ${peers.message}` };
  if (peers.length === 0) return { checked: [], problem: `no DHT node knows a source (${dht.nodeCount()} nodes in the routing table)` };
  const checked: (CheckedSource | string)[] = new Array(peers.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < peers.length; i = next++) {
      const peer = peers[i]!;
      checked[i] = await check(o, fileId, `${peer.host}:${peer.port}`, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, peers.length) }, worker));
  const good = checked.filter((c): c is CheckedSource => typeof c !== 'string');
  const reasons = checked.filter((c): c is string => typeof c === 'string');
  return { checked: good, problem: good.length > 0 ? null : `the DHT named ${peers.length} peer${peers.length === 1 ? '' : 's'}, none usable (${reasons.slice(0, 3).join('; ')})` };
}

async function check(o: DhtFinderOptions, fileId: string, address: string, signal?: AbortSignal): Promise<CheckedSource | string> {
  const base = `http://${address}`;
  const ref: SourceRef = { url: `${base}/api/v1/download/${fileId}`, peerId: null, name: address };
  if (o.allows && !o.allows(ref)) return `${address} is in a blocked network`;
  const anyNode = o.dialer && { dialer: o.dialer, expected: 'any' as const };
  const [file, info] = await Promise.all([
    getJson(`${base}/api/v1/files/${fileId}`, sharedFileSchema, CHECK_TIMEOUT_MS, signal, FILE_ANSWER_BYTES, anyNode),
    getJson(`${base}/api/v1/info`, nodeInfoSchema, CHECK_TIMEOUT_MS, signal, INFO_ANSWER_BYTES, anyNode),
  ]);
  if (!info.ok) return info.reason;
  const id = nodeIdSchema.safeParse(info.value.id);
  if (!id.success) return `${address} is not a Shoal node`;
  if (id.data === o.selfPeerId) return 'this node itself';
  if (info.value.protocol !== PROTOCOL_VERSION) return `${address} speaks protocol ${info.value.protocol}`;
  if (!file.ok) return file.status === 404 ? `${address} does not share it` : file.reason;
  if (file.value.id !== fileId) return `${address} sent another file`;
  const proven = info.nodeId !== undefined && info.nodeId === info.value.id && file.nodeId === info.nodeId;
  if (o.dialer?.encrypts && !proven) return `${address} did not prove over TLS that it is the node it says it is`;
  return { source: { ...ref, peerId: proven ? (info.nodeId ?? null) : null, name: info.value.name.slice(0, 200) || address }, file: file.value, info: { ...info.value, id: id.data } };
}

/** The DHT as a SourceFinder (the peer argument is the index finder's business). */
export function dhtSourceFinder(o: DhtFinderOptions): SourceFinder {
  return {
    async find(fileId, _peer, signal) {
      const { checked, problem } = await checkedDhtSources(o, fileId, signal);
      const first = checked[0];
      if (!first) return { meta: null, sources: [], problem };
      // Sources that disagree on the size cannot all have this file: keep the first one's.
      const size = first.file.size;
      return { meta: { name: first.file.name, size }, sources: checked.filter((c) => c.file.size === size).map((c) => c.source), problem: null };
    },
  };
}

/** The index servers first; the DHT only when they gave no source. */
export function withDhtFallback(index: SourceFinder, dht: SourceFinder): SourceFinder {
  return {
    async find(fileId, peer, signal) {
      const first = await index.find(fileId, peer, signal);
      if (first.sources.length > 0) return first;
      const more = await dht.find(fileId, null, signal);
      if (more.sources.length === 0 || !more.meta) {
        return more.problem ? { ...first, problem: [first.problem, more.problem].filter(Boolean).join('; ') } : first;
      }
      // An index that knows the file knows its size; a DHT source claiming another is no source.
      if (first.meta && first.meta.size !== more.meta.size) return { ...first, problem: [first.problem, 'the DHT\u2019s sources have another size'].filter(Boolean).join('; ') };
      return { meta: first.meta ?? more.meta, sources: more.sources, problem: null } satisfies FoundFile;
    },
  };
}

/** A pasted shoal:// link or id with no index server answering: the file as its DHT sources describe it. */
export async function dhtNetworkFile(o: DhtFinderOptions, fileId: string): Promise<SearchResult | undefined> {
  const { checked } = await checkedDhtSources(o, fileId);
  const first = checked[0];
  if (!first) return undefined;
  const same = checked.filter((c) => c.file.size === first.file.size);
  const f = first.file;
  return {
    id: f.id, name: f.name, names: [...new Set(same.flatMap((c) => c.file.names))].slice(0, 20), size: f.size, mime: f.mime, category: f.category,
    tags: f.tags, pieceSize: f.pieceSize, sourceCount: same.length, firstSeen: f.sharedAt,
    // Shown only (a download asks the DHT again): the ids are what each source says it is.
    sources: same.map((c) => ({ peerId: c.info.id, name: c.source.name ?? '', url: c.source.url, reputation: 0, activeUploads: 0, freeUploadSlots: 0 })),
  };
}
