// Federated search latency (issue 15, docs/architecture.md "Federation"): three real index
// servers in a chain A → B → C (federation_learn off, so the chain stays a chain), each with one
// real peer sharing FILES files of realistic names. The same query mix as the search benchmark is
// timed over HTTP three ways, one query after another:
// - local: a query at the hop limit (answered from the server's own store, forwarded nowhere);
// - 1 hop: on B, which forwards to C;
// - 2 hops: on A, which forwards to B, which forwards to C: the answer waits for both.
// In process, loopback only. `npm run bench -- federation`, or after `npm run build`:
// `node out/bench/federation.js`.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createConfigSchema } from '../src-main/core/config/config-schema.js';
import { startNode, type RunningNode } from '../src-main/core/node/shoal-node.js';
import type { SearchResponse } from '../src-shared/api/index-routes.js';
import { generatedFile } from './realistic-names.js';
import { queryMix } from './search.js';
import { type Figure, freePort, log, percentile, pollUntil, tempDir } from './support.js';

const FILES = Number(process.env.SHOAL_BENCH_FEDERATION_FILES ?? 300);
const QUERIES = Number(process.env.SHOAL_BENCH_FEDERATION_QUERIES ?? 500);
const WARMUP = 50;

async function node(name: string, o: { indexPort?: number; federation?: string[]; registerWith?: string }): Promise<{ node: RunningNode; sharedDir: string }> {
  const root = tempDir(`federation-${name}`);
  const sharedDir = join(root, 'shared');
  mkdirSync(sharedDir, { recursive: true });
  const config = createConfigSchema({ dataDirectory: join(root, 'data'), sharedDirectory: sharedDir, downloadDirectory: join(root, 'downloads'), name }).parse({
    data_directory: join(root, 'data'),
    peer: {
      port: 0, host: '127.0.0.1', shared_directory: sharedDir, lan_discovery: false,
      ...(o.registerWith ? { super_peer_address: [o.registerWith] } : { share: false }),
    },
    super_peer: o.indexPort
      ? { enabled: true, port: o.indexPort, federation: o.federation ?? [], federation_learn: false, federation_deadline: '2s' }
      : {},
  });
  return { node: await startNode({ config, logger: pino({ level: 'silent' }), hashWorkers: 2 }), sharedDir };
}

async function search(port: number, query: Record<string, unknown>, localOnly = false): Promise<{ ms: number; answer: SearchResponse }> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  // A forwarded query at the hop limit is answered from the store alone: the local figure, over the same HTTP.
  if (localOnly) for (const [k, v] of Object.entries({ fq: randomBytes(16).toString('base64url'), hops: '3', budget: '0' })) params.set(k, v);
  const t = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/files/search?${params}`);
  const answer = (await res.json()) as SearchResponse;
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`search answered ${res.status}: ${JSON.stringify(answer)}`);
  return { ms, answer };
}

export async function benchFederation(): Promise<Figure[]> {
  const ports = [await freePort(), await freePort(), await freePort()] as const;
  const at = (i: number) => `127.0.0.1:${ports[i]}`;
  const nodes: RunningNode[] = [];
  try {
    // C first, so each server's federation is up when the one before it starts.
    nodes.push((await node('index-c', { indexPort: ports[2] })).node);
    nodes.push((await node('index-b', { indexPort: ports[1], federation: [at(2)] })).node);
    nodes.push((await node('index-a', { indexPort: ports[0], federation: [at(1)] })).node);
    for (let i = 0; i < 3; i++) {
      // Each peer shares FILES small files named as real libraries are (realistic-names.ts).
      const { node: peer, sharedDir } = await node(`peer-${i}`, { registerWith: at(i) });
      nodes.push(peer);
      for (let n = 0; n < FILES; n++) {
        const name = generatedFile(i * FILES + n, 7).name.replace(/[/\\]/g, '_');
        writeFileSync(join(sharedDir, `${n}-${name}`), `file ${i}/${n}`);
      }
    }
    log(`federation: 3 index servers in a chain, ${FILES} files on each one's peer; waiting for registrations`);
    let seen = '';
    await pollUntil(async () => {
      const totals = await Promise.all(ports.map(async (p) => (await search(p, { q: '' }, true)).answer.total));
      const all = (await search(ports[0], { q: '', pageSize: 200, page: 5 })).answer.total;
      if (`${totals} ${all}` !== seen) log(`federation: files on A, B, C: ${totals.join(', ')}; A with the federation: ${all}`);
      seen = `${totals} ${all}`;
      return totals.every((t) => t >= FILES) && all >= 3 * FILES;
    }, 'every peer registered and the chain answering', 120_000, 200);

    const mix = queryMix(QUERIES + WARMUP, 15);
    const times = { local: [] as number[], one: [] as number[], two: [] as number[] };
    let found = { local: 0, one: 0, two: 0 };
    for (const [n, { query }] of mix.entries()) {
      const local = await search(ports[0], query, true);
      const one = await search(ports[1], query);
      const two = await search(ports[0], query);
      if (n < WARMUP) continue;
      times.local.push(local.ms);
      times.one.push(one.ms);
      times.two.push(two.ms);
      found = { local: found.local + local.answer.items.length, one: found.one + one.answer.items.length, two: found.two + two.answer.items.length };
    }
    const row = (label: string, list: number[], results: number): Figure => {
      const sorted = [...list].sort((a, b) => a - b);
      return {
        figure: `Search over HTTP, ${label}: p50 / p99 (${QUERIES} queries)`,
        shoal: `${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 99).toFixed(1)} ms`,
        reference: '-', ratio: '-', aim: '-',
        note: `${(results / list.length).toFixed(1)} results a query on average`,
      };
    };
    return [
      row('one index server\'s own store (local)', times.local, found.local),
      row('through 1 hop (B asks C)', times.one, found.one),
      row('through 2 hops (A asks B, B asks C)', times.two, found.two),
    ];
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

// Run on its own: `npx tsx bench/federation.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { cleanUp } = await import('./support.js');
  try {
    for (const f of await benchFederation()) process.stdout.write(`${f.figure}: ${f.shoal} (${f.note ?? ''})\n`);
  } finally {
    cleanUp();
  }
}
