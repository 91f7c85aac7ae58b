// Sources from the DHT. What the DHT answers is a claim ("host:port has the file"), so each peer it
// names is asked, bounded, for the file (`/api/v1/files/{id}`) and who it is (`/api/v1/info`), as
// a peer given by address is (downloads/peer-check.ts): one that does not share the file, speaks
// another protocol, is this node, is in a blocked network or is a blocked device is left out. With
// encryption on (security.enable_encryption) they are asked over TLS through the node's dialer,
// accepting any node, and one must prove the node id it says it is: its `peerId` is then that
// proven id (checked against the blocked devices), and its downloads are pinned to it. With
// encryption off its id is only what it says, so its `peerId` is null: nothing is reported to an
// index about it (a claimed id could frame another peer). Sources that disagree on the size: the
// size most of them give wins (agreeingOnSize). Integrity never rests on the source: the piece
// list is proven against the id and every piece is checked.
//
// Used as a fallback: the index servers are asked first, and the DHT only when they gave no
// source (none known, none answering, the file unknown to them, or no source online).
import type { SharedFile } from '../../../src-shared/api/library.js';
import type { NodeInfo } from '../../../src-shared/api/node.js';
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { checkPeer } from '../downloads/peer-check.js';
import type { FoundFile, SourceFinder, SourceRef } from '../downloads/source-finder.js';
import { inTurns } from '../in-turns.js';
import type { NodeDialer } from '../net/node-dialer.js';
import type { DhtNode } from './dht-node.js';

/** Peers asked at once whether they really have the file. */
const CHECKS_AT_ONCE = 8;
const CHECK_TIMEOUT_MS = 4_000;
/** A file's metadata answer: a SharedFile is small; a peer sending more is not a source. */
const FILE_ANSWER_BYTES = 256 * 1024;
const INFO_ANSWER_BYTES = 16 * 1024;
/** What a DHT source says about the file is shown as it says it, within the bounds an index server sets on a registration (index-routes.ts). */
const MAX_NAME = 1024;
const MAX_NAMES = 20;
const MAX_MIME = 255;
const MAX_TAGS = 64;
const MAX_TAG = 40;
const MAX_TIME = 64;

interface CheckedSource {
  source: SourceRef;
  file: SharedFile;
  info: NodeInfo;
}

export interface DhtFinderOptions {
  /** The running DHT node, or null while the DHT is off. */
  dht(): DhtNode | null;
  selfPeerId: string | null;
  peersPerLookup: number;
  /** Access control: a source in a blocked network, or a blocked device, is never used. */
  allows?(source: SourceRef): boolean;
  /** The node's dialer: TLS when encryption is on (then a DHT peer must prove its id), plain otherwise. */
  dialer?: NodeDialer;
}

/** Looks the file up in the DHT and checks every peer it names; the ones that have it, in the order found. */
async function checkedDhtSources(o: DhtFinderOptions, fileId: string, signal?: AbortSignal): Promise<{ checked: CheckedSource[]; problem: string | null }> {
  const dht = o.dht();
  if (!dht) return { checked: [], problem: null };
  const peers = await dht.lookup(fileId, { maxPeers: o.peersPerLookup, ...(signal ? { signal } : {}) }).catch((err: unknown) => err as Error);
  if (peers instanceof Error) return { checked: [], problem: `the DHT: ${peers.message}` };
  if (peers.length === 0) return { checked: [], problem: `no DHT node knows a source (${dht.nodeCount()} nodes in the routing table)` };
  const checked = await inTurns(peers, CHECKS_AT_ONCE, (peer) => check(o, fileId, `${peer.host}:${peer.port}`, signal));
  const good = checked.filter((c): c is CheckedSource => typeof c !== 'string');
  const reasons = checked.filter((c): c is string => typeof c === 'string');
  return { checked: good, problem: good.length > 0 ? null : `the DHT named ${peers.length} peer${peers.length === 1 ? '' : 's'}, none usable (${reasons.slice(0, 3).join('; ')})` };
}

async function check(o: DhtFinderOptions, fileId: string, address: string, signal?: AbortSignal): Promise<CheckedSource | string> {
  const checked = await checkPeer(address, fileId, {
    selfPeerId: o.selfPeerId, ...(o.allows ? { allows: o.allows } : {}), ...(o.dialer ? { dialer: o.dialer } : {}),
    timeoutMs: CHECK_TIMEOUT_MS, fileAnswerBytes: FILE_ANSWER_BYTES, infoAnswerBytes: INFO_ANSWER_BYTES, ...(signal ? { signal } : {}),
  });
  if (!checked.ok) return checked.reason;
  if (!checked.info) return `${address} did not say who it is`; // not reached: /info is required here (infoOptional unset)
  // With encryption off its id is only a claim: no peerId (nothing is reported about it, nothing pinned).
  return { source: { url: checked.url, peerId: checked.provenId, name: checked.name }, file: checked.file, info: checked.info };
}

/**
 * The sources that agree with most of the others on the file's size, in the order found. Sources
 * that disagree on the size cannot all have this file, and one that answers first is no more
 * believable than the rest: the size most sources give wins. On a tie, the size of the source the
 * DHT named first (nothing tells the two apart; the download proves the piece list against the id,
 * so a wrong size fails the download, it never corrupts a file).
 */
function agreeingOnSize(checked: readonly CheckedSource[]): CheckedSource[] {
  const votes = new Map<number, number>();
  for (const c of checked) votes.set(c.file.size, (votes.get(c.file.size) ?? 0) + 1);
  let size: number | undefined;
  let most = 0;
  // Map order is first-seen order, and only a strictly larger count replaces: a tie keeps the earlier size.
  for (const [s, count] of votes) {
    if (count > most) {
      size = s;
      most = count;
    }
  }
  return checked.filter((c) => c.file.size === size);
}

/** The DHT as a SourceFinder (the peer argument is the index finder's business). */
export function dhtSourceFinder(o: DhtFinderOptions): SourceFinder {
  return {
    async find(fileId, _peer, signal) {
      const { checked, problem } = await checkedDhtSources(o, fileId, signal);
      const same = agreeingOnSize(checked);
      const first = same[0];
      if (!first) return { meta: null, sources: [], problem };
      return { meta: { name: first.file.name.slice(0, MAX_NAME), size: first.file.size }, sources: same.map((c) => c.source), problem: null };
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
  const same = agreeingOnSize(checked);
  const first = same[0];
  if (!first) return undefined;
  const f = first.file;
  const names = [...new Set(same.flatMap((c) => c.file.names.map((n) => n.slice(0, MAX_NAME))))].slice(0, MAX_NAMES);
  return {
    id: f.id, name: f.name.slice(0, MAX_NAME), names, size: f.size, mime: f.mime.slice(0, MAX_MIME), category: f.category,
    tags: f.tags.slice(0, MAX_TAGS).map((t) => t.slice(0, MAX_TAG)), pieceSize: f.pieceSize, sourceCount: same.length, firstSeen: f.sharedAt.slice(0, MAX_TIME),
    // Shown only (a download asks the DHT again): the ids are what each source says it is.
    sources: same.map((c) => ({ peerId: c.info.id, name: c.source.name ?? '', url: c.source.url, reputation: 0, activeUploads: 0, freeUploadSlots: 0 })),
  };
}
