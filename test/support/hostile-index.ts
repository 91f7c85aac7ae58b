// A hostile index server for federation tests: a small real HTTP server that answers
// GET /api/v1/federation well enough to be taken into a federation, then misbehaves in one way
// per mode on the forwarded searches and source lookups. Shoal never does any of this, so it is
// written by hand.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { nodeIdFromPublicKey } from '../../src-shared/node-id.js';
import { acceptTlsToo } from '../../src-main/core/http/tls-sniff.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { NodeTls } from '../../src-main/core/net/node-tls.js';

/**
 * - `garbage`: answers queries with bytes that are not JSON.
 * - `huge`: answers queries with a JSON document that never ends (tens of megabytes).
 * - `slow`: takes queries and never answers.
 * - `liar`: answers queries in the right shape with lies: sources at foreign addresses, results
 *   that do not fit the query, a file under another file's id.
 * - `late`: answers a search honestly, one file, but only after LATE_MS (past a first answer's deadline).
 * - `foreign`: answers in the right shape, with the query's words and download paths of the
 *   very file, but its sources are at hosts no downloader should be sent to (link-local, the
 *   cloud metadata address, unspecified, multicast).
 * - `loop`: sends every forwarded query straight back to the index server it names (`back`),
 *   with the same query id, and answers nothing useful.
 * Every mode also lists `junk` index servers (more than a list may hold is refused whole, so
 * it lists as many as it may, all unreachable), or the addresses it is told to `advertise`.
 * `host`: where it listens (127.0.0.1 unless told). `replica`: what it answers a member pulling its
 * peers (GET /api/v1/federation/replica), as JSON; without it, that request is one more query.
 */
export type HostileIndexMode = 'garbage' | 'huge' | 'slow' | 'liar' | 'loop' | 'late' | 'foreign';

export const LATE_MS = 2_000;
/** The file the `foreign` server lists (at foreign hosts only). */
export const FOREIGN_FILE_ID = '9'.repeat(64);
/** The one file the `late` server knows. */
export const LATE_FILE_ID = 'b'.repeat(64);

export interface HostileIndex {
  address: string;
  /** The node id it proves over TLS (its own key). */
  id: string;
  /** GET /api/v1/federation requests it received (each a probe by another index server). */
  readonly listRequests: number;
  /** Forwarded queries it received. */
  readonly queries: number;
  /** What the index server answered the queries it sent back (mode `loop`). */
  readonly echoes: unknown[];
  close(): Promise<void>;
}

export async function startHostileIndex(mode: HostileIndexMode, o: { back?: () => string; junk?: number; advertise?: readonly string[]; host?: string; replica?: (url: URL) => unknown } = {}): Promise<HostileIndex> {
  let queries = 0;
  let listRequests = 0;
  const echoes: unknown[] = [];
  const held: http.ServerResponse[] = [];
  // A key of its own, as any stranger can have: index servers call each other over TLS, pinned to it.
  const key = NodeKey.generate();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hostile');
    if (url.pathname === '/api/v1/federation') {
      listRequests++;
      const servers = o.advertise
        ? o.advertise.map((address, i) => ({ address, indexId: `advertised-${i}`, lastSeen: new Date().toISOString() }))
        : Array.from({ length: o.junk ?? 64 }, (_, i) => ({ address: `127.0.0.1:${i + 1}`, indexId: `junk-${i}`, lastSeen: new Date().toISOString() }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ indexId: key.id, servers }));
      return;
    }
    if (url.pathname === '/api/v1/federation/replica' && o.replica) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(o.replica(url)));
      return;
    }
    queries++;
    switch (mode) {
      case 'garbage':
        res.setHeader('content-type', 'application/json');
        res.end('{"items": [ this is not json ]]]');
        return;
      case 'huge': {
        res.setHeader('content-type', 'application/json');
        res.write('{"items":[');
        const chunk = `${JSON.stringify({ padding: 'x'.repeat(64 * 1024) })},`;
        let sent = 0;
        const more = () => {
          while (sent < 40 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end('{}]}');
        };
        res.on('error', () => undefined);
        more();
        return;
      }
      case 'slow':
        held.push(res);
        return;
      case 'liar':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(lies(url)));
        return;
      case 'foreign':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(foreign(url)));
        return;
      case 'late': {
        const timer = setTimeout(() => {
          res.setHeader('content-type', 'application/json');
          if (url.pathname !== '/api/v1/files/search') return void res.writeHead(404).end('{}');
          const name = `${url.searchParams.get('q') ?? ''} arrived late.txt`;
          res.end(JSON.stringify({
            items: [{
              id: LATE_FILE_ID, name, names: [name], size: 99, mime: 'text/plain', category: 'document', tags: [], pieceSize: 262144, sourceCount: 1,
              sources: [{ peerId: LATE_PEER_ID, name: 'late', url: `http://127.0.0.1:9/api/v1/download/${LATE_FILE_ID}`, reputation: 50, activeUploads: 0, freeUploadSlots: 1 }],
              firstSeen: new Date().toISOString(),
            }],
            total: 1, page: 1, pageSize: 50, tookMs: 0,
          }));
        }, LATE_MS);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'loop': {
        const fq = url.searchParams.get('fq');
        const target = o.back?.();
        if (fq && target) {
          url.searchParams.set('hops', '1');
          url.searchParams.set('budget', '10000');
          void fetch(`http://${target}${url.pathname}${url.search}`)
            .then(async (r) => echoes.push({ status: r.status, body: await r.json() }))
            .catch((err: unknown) => echoes.push({ error: String(err) }));
        }
        res.statusCode = 404;
        res.end('{}');
        return;
      }
    }
  });
  acceptTlsToo(server, (await NodeTls.create(key)).serverOptions);
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `${host}:${port}`,
    id: key.id,
    get listRequests() {
      return listRequests;
    },
    get queries() {
      return queries;
    },
    echoes,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const FAKE_ID = 'f'.repeat(64);
/** Well-formed node ids (any 32 bytes make one): the lies must pass the schema to be tested at all. */
const LIAR_PEER_ID = nodeIdFromPublicKey(randomBytes(32));
const LATE_PEER_ID = nodeIdFromPublicKey(randomBytes(32));
const FOREIGN_PEER_ID = nodeIdFromPublicKey(randomBytes(32));

/** Sources at hosts that are never another peer's, each at the download path of the file asked about. */
function foreign(url: URL): unknown {
  const asked = url.pathname.startsWith('/api/v1/files/') && url.pathname !== '/api/v1/files/search' ? url.pathname.split('/').pop() ?? FOREIGN_FILE_ID : FOREIGN_FILE_ID;
  const name = `${url.searchParams.get('q') ?? ''} from afar.txt`;
  const hosts = ['169.254.169.254', '169.254.1.1:9001', '0.0.0.0:9001', '224.0.0.1:9001', '[fe80::1]:9001', '[ff02::1]:9001'];
  const result = {
    id: asked, name, names: [name], size: 1234, mime: 'text/plain', category: 'document', tags: [], pieceSize: 262144, sourceCount: hosts.length,
    sources: hosts.map((h) => ({ peerId: FOREIGN_PEER_ID, name: 'afar', url: `http://${h}/api/v1/download/${asked}`, reputation: 100, activeUploads: 0, freeUploadSlots: 5 })),
    firstSeen: new Date().toISOString(),
  };
  return asked === FOREIGN_FILE_ID && url.pathname === '/api/v1/files/search' ? { items: [result], total: 1, page: 1, pageSize: 50, tookMs: 0 } : result;
}

/** A search answer in the right shape, every result a lie of some kind. */
function lies(url: URL): unknown {
  const q = url.searchParams.get('q') ?? '';
  const source = (u: string) => ({ peerId: LIAR_PEER_ID, name: 'liar', url: u, reputation: 100, activeUploads: 0, freeUploadSlots: 5 });
  const result = (id: string, name: string, url: string, category = 'document') => ({
    id, name, names: [name], size: 1234, mime: 'text/plain', category, tags: [], pieceSize: 262144,
    sourceCount: 1_000_000_000, sources: [source(url)], firstSeen: new Date(0).toISOString(),
  });
  const items = [
    result(FAKE_ID, `${q} (evil).txt`, 'http://evil.example/steal-your-cookies'),
    result('e'.repeat(64), `${q} elsewhere.txt`, `http://127.0.0.1:1/api/v1/download/${'d'.repeat(64)}`),
    result('c'.repeat(64), `${q} as a video.mp4`, `http://user:pw@127.0.0.1:1/api/v1/download/${'c'.repeat(64)}`, 'video'),
  ];
  if (url.pathname.startsWith('/api/v1/files/') && url.pathname !== '/api/v1/files/search') {
    const id = url.pathname.split('/').pop() ?? FAKE_ID;
    return result(id, 'lie.txt', 'http://evil.example/steal-your-cookies');
  }
  return { items, total: 3, page: 1, pageSize: 50, tookMs: 0 };
}
