// Asking one peer, known only by its address, whether it has a file: its `/api/v1/files/{id}` and
// `/api/v1/info`, at once and bounded. Used for a peer given by address (source-finder.ts) and for
// every peer the DHT names (dht/dht-source-finder.ts), so both leave out the same peers:
//  - one in a network this node blocks (asked nothing);
//  - one that is not a Shoal node (its id is no node id) or speaks another protocol;
//  - one that does not share the file, or sends another file's metadata;
//  - this node itself;
//  - with encryption on (a dialer that encrypts), one that does not prove over TLS the node id it
//    says it is (its /info answered over a connection whose key is that id, and so its /files);
//  - a device this node blocks: the proven id, or with encryption off the id it claims (a claim
//    can be false, but a peer that says it is a blocked device is taken at its word).
// Integrity never rests on the peer: the piece list is proven against the file id, every piece
// checked. What it says about itself and the file is bounded here (the name) or by the caller.
import type { SharedFile } from '../../../src-shared/api/library.js';
import type { NodeInfo } from '../../../src-shared/api/node.js';
import { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import { PROTOCOL_VERSION } from '../../../src-shared/api/protocol.js';
import { nodeIdSchema } from '../../../src-shared/node-id.js';
import { attempt, MAX_JSON_BYTES, nodeApiClient, type NodeCallOptions } from '../net/contract-transport.js';
import type { NodeDialer } from '../net/node-dialer.js';
import type { SourceRef } from './source-finder.js';

/** A peer's name as it says it, cut to this many characters. */
const MAX_PEER_NAME = 200;

export interface PeerCheckOptions {
  selfPeerId: string | null;
  /** Access control: a source in a blocked network, or a blocked device, is never used. */
  allows?(source: SourceRef): boolean;
  /** The node's dialer: TLS when encryption is on (then the peer must prove its id), plain otherwise; none: plain fetch (the CLI). */
  dialer?: NodeDialer;
  timeoutMs: number;
  fileAnswerBytes?: number;
  infoAnswerBytes?: number;
  /**
   * With encryption off, a peer whose /info does not answer is still a source (its id unknown);
   * otherwise it is not. With encryption on it never is (it proves nothing).
   */
  infoOptional?: boolean;
  signal?: AbortSignal;
}

export type PeerCheck =
  | {
    ok: true;
    /** The peer's download address of the file. */
    url: string;
    file: SharedFile;
    /** What it says about itself, its id checked as a node id (null: /info did not answer, see infoOptional). */
    info: NodeInfo | null;
    /** The id it proved over TLS; null with encryption off. */
    provenId: string | null;
    /** The id it says it is (proven or not); null without /info. */
    claimedId: string | null;
    /** Its name, as it says it (cut short), or its address. */
    name: string;
  }
  | { ok: false; reason: string };

/** Asks the peer at `address` (host:port) for the file and who it is; why it is no source, or what it said. */
export async function checkPeer(address: string, fileId: string, o: PeerCheckOptions): Promise<PeerCheck> {
  const fail = (reason: string): PeerCheck => ({ ok: false, reason });
  const base = `http://${address}`;
  const url = `${base}/api/v1/download/${fileId}`;
  if (o.allows && !o.allows({ url, peerId: null, name: null })) return fail(`${address} is in a network this node blocks (Settings \u2192 Networks)`);
  const api = nodeApiClient(peerRoutes, o.dialer);
  // To whichever node answers: over TLS, what it proves is weighed below.
  const fileProof: NodeCallOptions['proof'] = {};
  const infoProof: NodeCallOptions['proof'] = {};
  const call = { address, expected: 'any', timeoutMs: o.timeoutMs, signal: o.signal } as const;
  const [file, info] = await Promise.all([
    attempt(api.getFile({ params: { fileId } }, { ...call, maxBytes: o.fileAnswerBytes ?? MAX_JSON_BYTES, proof: fileProof })),
    attempt(api.getInfo(undefined, { ...call, maxBytes: o.infoAnswerBytes ?? MAX_JSON_BYTES, proof: infoProof })),
  ]);
  let claimedId: string | null = null;
  if (info.ok) {
    const id = nodeIdSchema.safeParse(info.value.id);
    if (!id.success) return fail(`${address} is not a Shoal node`);
    claimedId = id.data;
    const protocol = info.value.protocol;
    if (protocol !== PROTOCOL_VERSION) return fail(`${address} runs ${protocol < PROTOCOL_VERSION ? 'an older' : 'a newer'} Shoal (protocol ${protocol}; this one speaks ${PROTOCOL_VERSION})`);
  }
  if (!file.ok) return fail(file.error.status === 404 ? `${address} does not share this file` : file.error.message);
  if (file.value.id !== fileId) return fail(`${address} sent another file`);
  if (!info.ok && (o.dialer?.encrypts || !o.infoOptional)) return fail(info.error.message);
  if (claimedId !== null && claimedId === o.selfPeerId) return fail(`${address} is this node itself`);
  // Over TLS the peer's id is the key it proved: what it says in /info must be that (and both answers came from it).
  const provenId = info.ok && infoProof.nodeId !== undefined && infoProof.nodeId === info.value.id && fileProof.nodeId === infoProof.nodeId ? infoProof.nodeId : null;
  if (o.dialer?.encrypts && provenId === null) return fail(`${address} did not prove over TLS that it is the node ${claimedId?.slice(0, 7) ?? ''} it says it is`);
  const peerId = provenId ?? claimedId;
  if (o.allows && peerId !== null && !o.allows({ url, peerId, name: null })) return fail(`${address} is a device this node blocks (Settings \u2192 Devices)`);
  return {
    ok: true, url, file: file.value, info: info.ok && claimedId !== null ? { ...info.value, id: claimedId } : null,
    provenId, claimedId, name: (info.ok ? info.value.name.slice(0, MAX_PEER_NAME) : '') || address,
  };
}
