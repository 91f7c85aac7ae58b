// What one registration costs an index server that already holds 10,000 peers × 100 files (issue
// 15: a killed index server's 3,333 peers must register elsewhere within 3 heartbeat intervals):
// CPU milliseconds of the index process per registration of a new 100-file peer, measured as a
// real peer registers (loadtest/sim-peers.ts: its own key, the signed challenge, the index's TLS
// call-back), over TLS as a node calls (NodeDialer, a new connection per peer). CPU time of the
// index process (/proc), not wall time: the machine is shared, and a busy neighbour slows the wall
// clock, not the work. The reference is a bare Node server doing only the protocol's own work
// (registration-reference.ts: TLS, signature, call-back; no framework, no store), so the ratio is
// what Shoal's HTTP stack, validation and store add. One more row times a failover's registration:
// a new peer showing the address receipt of a federation member (a second index server), which
// spares the call-back. Two more time the store's write alone, in this process: a new peer, and a
// peer registering again with nothing changed.
// SHOAL_BENCH_CPU_PROF=DIR: the index process writes a V8 CPU profile there
// (loadtest/cpu-profile-summary.ts reads it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexedFile } from '../src-shared/api/index-routes.js';
import { NodeKey } from '../src-main/core/identity/node-key.js';
import { IndexStore } from '../src-main/core/index/index-store.js';
import { NodeDialer } from '../src-main/core/net/node-dialer.js';
import { readCapped } from '../src-main/core/net/read-capped.js';
import { openDatabase } from '../src-main/core/store/database.js';
import { startIndexServers } from '../loadtest/index-servers.js';
import { processUsage } from '../loadtest/machine-usage.js';
import type { Answer } from '../loadtest/load-http.js';
import { SimPeer } from '../loadtest/sim-peers.js';
import { buildWorld, worldPeerFiles } from './registration-world.js';
import { type Figure, log, pollUntil, ratio, repoRoot, seconds, startProcess, stopProcess, tempDir } from './support.js';

const PEERS = Number(process.env.SHOAL_BENCH_REGISTRATION_PEERS ?? 10_000);
const FILES_PER_PEER = 100;
/** Registrations timed over HTTP, after WARMUP untimed ones (connections, JIT, the page cache). */
const REGISTRATIONS = 500;
const WARMUP = 20;
/** Registrations timed in this process on the store alone (cheap: more of them, steadier). */
const STORE_REGISTRATIONS = 500;
/** 3,333 peers (a third of 10,000) in half of 3 heartbeat intervals (30 s): the other half is for heartbeats. */
const AIM_MS = (3 * 30_000) / 2 / 3_333;

/** CPU time (user + system) a process has used so far, in ms (Linux). */
const processCpuMs = (pid: number) => processUsage(pid).cpuSeconds * 1000;

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Peers numbered from `first`, new to the world, each with its TLS identity made (outside any timing). */
async function newPeers(first: number, count: number): Promise<SimPeer[]> {
  const peers = Array.from({ length: count }, (_, j) => new SimPeer(first + j, worldPeerFiles(first + j, PEERS, FILES_PER_PEER)));
  for (const peer of peers) await peer.tls();
  return peers;
}

/** The peer's calls over TLS to its own key, as a node registers (a new connection: a peer's first call). */
async function tlsCaller(peer: SimPeer): Promise<{ call: (port: number, method: string, path: string, body?: unknown) => Promise<Answer> }> {
  const dialer = new NodeDialer(await peer.tls());
  return {
    call: async (port, method, path, body) => {
      const answer = await dialer.call(`http://127.0.0.1:${port}${path}`, {
        method: method as 'GET' | 'POST', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      }, 'any');
      return { status: answer.status, body: (await readCapped(answer.body, 16 * 1024 * 1024))?.toString('utf8') ?? '' };
    },
  };
}

/** Registers `peers` one after another with the server at `port`; the CPU ms per registration `pid` used for the last ones. */
async function cpuPerRegistration(pid: number, port: number, peers: SimPeer[]): Promise<number> {
  let before = 0;
  for (const [i, peer] of peers.entries()) {
    if (i === WARMUP) before = processCpuMs(pid);
    await peer.register(await tlsCaller(peer), port);
  }
  return (processCpuMs(pid) - before) / (peers.length - WARMUP);
}

/** The bare reference server (registration-reference.ts) in its own process: its pid and port. */
async function startReference(): Promise<{ pid: number; port: number; stop: () => Promise<void> }> {
  const child = startProcess(process.execPath, [join(repoRoot, 'out', 'bench', 'registration-reference.js')]);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the reference server exited with ${code}`)));
  });
  return { pid: child.pid ?? 0, port, stop: () => stopProcess(child) };
}

/** Waits until the index at `port` has proved the id of the member at `memberPort` (it believes that member's receipts from then on). */
async function untilMemberKnown(port: number, memberPort: number): Promise<void> {
  const list = async (at: number) => (await (await fetch(`http://127.0.0.1:${at}/api/v1/federation`)).json()) as { indexId: string; servers: { indexId: string | null }[] };
  const memberId = (await list(memberPort)).indexId;
  await pollUntil(async () => (await list(port)).servers.some((s) => s.indexId === memberId), 'the index server to know its member', 30_000, 200);
}

/** CPU ms per store.registerPeer of `count` new peers, then of the same peers again with the same files. */
function storeAlone(dbFile: string, first: number, count: number): { fresh: number; again: number } {
  const db = openDatabase(dbFile);
  try {
    const store = new IndexStore(db);
    const peers = Array.from({ length: count }, (_, j) => ({ peerId: NodeKey.generate().id, files: worldPeerFiles(first + j, PEERS, FILES_PER_PEER) }));
    const registerAll = () => {
      const started = process.cpuUsage();
      for (const p of peers) {
        store.registerPeer({ peerId: p.peerId, name: 'bench', address: '127.0.0.3', port: 4000, sessionHash: 'x', now: Date.now(), files: p.files as IndexedFile[] });
      }
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000 / count;
    };
    return { fresh: registerAll(), again: registerAll() };
  } finally {
    db.close();
  }
}

export async function benchRegistration(): Promise<Figure[]> {
  const dir = tempDir('registration');
  const dbFile = join(dir, 'index-0', 'shoal.db');
  let t = performance.now();
  mkdirSync(join(dir, 'index-0'));
  const uniqueFiles = buildWorld(dbFile, PEERS, FILES_PER_PEER);
  log(`registration: the index holds ${PEERS} peers × ${FILES_PER_PEER} files (${uniqueFiles} unique), built in ${seconds(performance.now() - t)}`);

  // The index as deployed (`shoal serve --index`, as the load test starts it). Its heartbeat
  // interval is long: none of the bench's peers heartbeats, and none may go offline meanwhile.
  // A second, empty index server federated with it: the one a failing-over peer comes from, with its receipt.
  t = performance.now();
  const [index, member] = await startIndexServers(2, { dir, heartbeatMs: 600_000, maxPeers: 1_000_000, cpuProfileDir: process.env.SHOAL_BENCH_CPU_PROF });
  if (!index?.child.pid || !member) throw new Error('the index servers did not start');
  log(`registration: index server up in ${seconds(performance.now() - t)} (every stored peer marked offline)`);
  let shoal: number;
  let moved: number;
  try {
    shoal = await cpuPerRegistration(index.child.pid, index.port, await newPeers(PEERS, WARMUP + REGISTRATIONS));
    log(`registration: ${ms(shoal)} of the index's CPU per registration`);
    // Peers registered with the member (untimed), then with the index, new to it, showing the member's receipt.
    await untilMemberKnown(index.port, member.port);
    const movers = await newPeers(2 * PEERS, WARMUP + REGISTRATIONS);
    for (const peer of movers) await peer.register(await tlsCaller(peer), member.port);
    moved = await cpuPerRegistration(index.child.pid, index.port, movers);
    log(`registration: ${ms(moved)} of the index's CPU per registration of a peer moving from a federation member (its receipt, no call-back)`);
  } finally {
    await Promise.all([stopProcess(index.child, 30_000), stopProcess(member.child, 30_000)]);
  }

  const store = storeAlone(dbFile, PEERS + WARMUP + REGISTRATIONS, STORE_REGISTRATIONS);
  log(`registration: the store's write alone ${ms(store.fresh)}, again with nothing changed ${ms(store.again)}`);

  const reference = await startReference();
  let bare: number;
  try {
    bare = await cpuPerRegistration(reference.pid, reference.port, await newPeers(0, WARMUP + REGISTRATIONS));
  } finally {
    await reference.stop();
  }
  log(`registration: ${ms(bare)} of the bare server's CPU per registration`);

  const what = `registration of a ${FILES_PER_PEER}-file peer into ${PEERS.toLocaleString('en')} × ${FILES_PER_PEER} files, index CPU (HTTP + TLS)`;
  return [
    {
      figure: what, shoal: ms(shoal), reference: `${ms(bare)} (bare Node server)`, ratio: ratio(shoal / bare), aim: `≤ ${ms(AIM_MS)}`, met: shoal <= AIM_MS,
      note: `CPU time of the index process over ${REGISTRATIONS} registrations of new peers, one after another, each over a new TLS connection with the signed challenge and the TLS call-back; the reference (registration-reference.ts) does only TLS, the signature check and the call-back. The aim: 3,333 peers (a killed server's third of 10,000) in half of 3 heartbeat intervals of 30 s. The index's stored peers are offline (an index marks every peer offline when it starts); their files count the same.`,
    },
    {
      figure: '… a peer moving from a federation member, its address receipt shown (no call-back)', shoal: ms(moved), reference: `${ms(bare)} (bare Node server, with the call-back)`, ratio: ratio(moved / bare), aim: `≤ ${ms(AIM_MS)}`, met: moved <= AIM_MS,
      note: 'A failover: new peers registered with a second index server federated with this one, then with this one, each showing the receipt the other gave (address-receipts.ts), so this one does not call them back.',
    },
    { figure: '… the store\u2019s write alone (IndexStore.registerPeer, in process)', shoal: ms(store.fresh), reference: '-', ratio: '-', aim: '-' },
    { figure: '… the same peer again, nothing changed (store, in process)', shoal: ms(store.again), reference: '-', ratio: '-', aim: '-' },
  ];
}
