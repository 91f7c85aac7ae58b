// Where a file can be fetched from: the index servers this node knows (their answer lists every
// online source, best first) and, when a download was started from a peer's address, that peer.
import { z } from 'zod';
import { indexRoutes } from '../../../src-shared/api/index-routes.js';
import { attempt, nodeApiClient } from '../net/contract-transport.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { checkPeer } from './peer-check.js';

export interface SourceRef {
  url: string;
  peerId: string | null;
  name: string | null;
}

export interface FoundFile {
  /** What the index or peer says about the file; null when nobody knows it. */
  meta: { name: string; size: number } | null;
  sources: SourceRef[];
  /** Why nothing was found, for a person. */
  problem: string | null;
}

export interface SourceFinder {
  find(fileId: string, peer: string | null, signal?: AbortSignal): Promise<FoundFile>;
}

const TIMEOUT_MS = 5_000;

export function networkSourceFinder(o: {
  indexAddresses(): string[];
  selfPeerId: string | null;
  /** Access control: a source in a blocked network, or a blocked device, is never used. */
  allows?(source: SourceRef): boolean;
  /** With encryption on, index servers are asked over TLS (pinned on first use), a peer given by address over TLS to the node it proves. */
  dialer?: NodeDialer;
}): SourceFinder {
  const dialer = o.dialer;
  const indexApi = nodeApiClient(indexRoutes, dialer);
  return {
    async find(fileId, peer, signal) {
      const sources: SourceRef[] = [];
      let meta: FoundFile['meta'] = null;
      const problems: string[] = [];
      const add = (s: SourceRef) => {
        if (s.peerId !== null && s.peerId === o.selfPeerId) return;
        if (o.allows && !o.allows(s)) return;
        if (!sources.some((known) => known.url === s.url)) sources.push(s);
      };
      if (peer) {
        // Over TLS the peer's id is the key it proved, and the download is then pinned to it;
        // without a proven id an encrypting node does not use it (peer-check.ts).
        const checked = await checkPeer(peer, fileId, { selfPeerId: o.selfPeerId, ...(o.allows ? { allows: o.allows } : {}), ...(dialer ? { dialer } : {}), timeoutMs: TIMEOUT_MS, infoOptional: true, ...(signal ? { signal } : {}) });
        if (checked.ok) {
          meta = { name: checked.file.name, size: checked.file.size };
          add({ url: checked.url, peerId: checked.provenId ?? checked.claimedId, name: checked.name });
        } else problems.push(checked.reason);
      }
      const indexes = o.indexAddresses();
      for (const address of indexes) {
        const answer = await attempt(indexApi.getFile({ params: { fileId } }, { address, expected: 'pinned', timeoutMs: TIMEOUT_MS, signal }));
        if (!answer.ok) {
          problems.push(answer.error.status === 404 ? `index ${address} does not know this file` : answer.error.message);
          continue;
        }
        if (answer.value.id !== fileId) continue;
        meta ??= { name: answer.value.name, size: answer.value.size };
        for (const s of answer.value.sources) if (isHttpUrl(s.url)) add({ url: s.url, peerId: s.peerId, name: s.name });
        break; // one index answering is enough: all of them see the same network
      }
      if (!peer && indexes.length === 0) problems.push('no index server is known (configure one, or run one on this LAN)');
      return { meta, sources, problem: sources.length > 0 ? null : meta ? 'no source is online right now' : problems.join('; ') || 'not found' };
    },
  };
}

function isHttpUrl(value: string): boolean {
  return z.url({ protocol: /^http$/ }).safeParse(value).success;
}
