// Where a file can be fetched from: the index servers this node knows (their answer lists every
// online source, best first) and, when a download was started from a peer's address, that peer.
import { z } from 'zod';
import { searchResultSchema } from '../../../src-shared/api/index-routes.js';
import { sharedFileSchema } from '../../../src-shared/api/library.js';
import { nodeInfoSchema } from '../../../src-shared/api/node.js';
import { PROTOCOL_VERSION } from '../../../src-shared/api/protocol.js';
import { getJson } from '../net/get-json.js';
import type { NodeDialer } from '../net/node-dialer.js';

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
      if (peer && o.allows && !o.allows({ url: `http://${peer}/`, peerId: null, name: null })) {
        problems.push(`${peer} is in a network this node blocks (Settings \u2192 Networks)`);
      } else if (peer) {
        const base = `http://${peer}`;
        const anyNode = dialer && { dialer, expected: 'any' as const };
        const [file, info] = await Promise.all([
          getJson(`${base}/api/v1/files/${fileId}`, sharedFileSchema, TIMEOUT_MS, signal, undefined, anyNode),
          getJson(`${base}/api/v1/info`, nodeInfoSchema, TIMEOUT_MS, signal, undefined, anyNode),
        ]);
        // Over TLS the peer's id is the key it proved: what it says in /info must be that, and the
        // download is then pinned to it. Without a proven id an encrypting node does not use it.
        const proven = info.ok && file.ok && info.nodeId !== undefined && info.nodeId === info.value.id && file.nodeId === info.nodeId;
        if (dialer?.encrypts && info.ok && file.ok && !proven) {
          problems.push(`${peer} did not prove over TLS that it is the node ${info.value.id.slice(0, 7)} it says it is`);
        } else if (info.ok && info.value.protocol !== PROTOCOL_VERSION) {
          problems.push(`${peer} runs ${info.value.protocol < PROTOCOL_VERSION ? 'an older' : 'a newer'} Shoal (protocol ${info.value.protocol}; this one speaks ${PROTOCOL_VERSION})`);
        } else if (file.ok && file.value.id === fileId) {
          meta = { name: file.value.name, size: file.value.size };
          add({ url: `${base}/api/v1/download/${fileId}`, peerId: info.ok ? info.value.id : null, name: info.ok ? info.value.name : peer });
        } else problems.push(file.ok ? `${peer} sent another file` : file.status === 404 ? `${peer} does not share this file` : file.reason);
      }
      const indexes = o.indexAddresses();
      for (const address of indexes) {
        const answer = await getJson(`http://${address}/api/v1/files/${fileId}`, searchResultSchema, TIMEOUT_MS, signal, undefined, dialer && { dialer, expected: 'pinned' });
        if (!answer.ok) {
          problems.push(answer.status === 404 ? `index ${address} does not know this file` : answer.reason);
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
