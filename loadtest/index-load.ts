// `npm run load`: N simulated peers (default 1,000; `--peers 10000`), 100 files each, register
// with real index servers (default 3, federated with each other; `--servers 1` for one), each
// proving its key and answering the index's call-back as a real peer does, spread over the
// servers; then they heartbeat at a compressed interval while one client searches back to back,
// each search on the next live server. A search on any server must answer for all of them (a
// marker file on each server shows it). With several servers, one is killed mid-run: its peers
// fail over and register elsewhere (timed), and the searches keep going, ten a second (results lost meanwhile
// counted). Reports registrations/s, heartbeats/s, search p50/p99 before and after the kill, the
// servers' RSS and CPU, and the first server's heartbeat throughput as a ratio to a bare Node HTTP
// server answering the same requests in the same run.
// Loopback only; bounded in time; stops (and kills its children) by itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { IndexedFile } from '../src-shared/api/index-routes.js';
import { generatedFile, queryVocabulary } from '../bench/realistic-names.js';
import { percentile } from '../bench/support.js';
import { startHeartbeats } from './heartbeats.js';
import { startIndexServers, type IndexServer } from './index-servers.js';
import { LoadHttp, pool } from './load-http.js';
import { machineTicks, processUsage, tcpCounters } from './machine-usage.js';
import { SimPeer } from './sim-peers.js';

const { values: args } = parseArgs({
  options: {
    peers: { type: 'string', default: '1000' },
    files: { type: 'string', default: '100' },
    servers: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    'heartbeat-ms': { type: 'string', default: '10000' },
    /** Keep every server up (no failover phase). */
    'no-kill': { type: 'boolean', default: false },
    /** A folder: each index process writes a V8 CPU profile there when it stops. */
    'cpu-prof': { type: 'string' },
  },
});
const PEERS = Number(args.peers);
const FILES = Number(args.files);
const SERVERS = Math.max(1, Number(args.servers));
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
// Every peer heartbeats once per interval, compressed from the default 30 s to 10 s: 1,000 peers
// send 100 heartbeats a second, 10,000 peers 1,000 a second.
const HEARTBEAT_MS = Math.max(1000, Number(args['heartbeat-ms']));
const KILL = SERVERS > 1 && !args['no-kill'];
const HARD_LIMIT_MS = 20 * 60_000;
/** Heartbeats in flight at once: see LoadHttp.heartbeatAgent. */
const HEARTBEATS_IN_FLIGHT = 1024;
/** Searches a second during the failover (one at a time): enough to see any search lose results. */
const FAILOVER_SEARCHES_PER_SECOND = 10;
/** One file per server, found by one word: a search that sees them all answers for the whole federation. */
const MARKER_WORD = 'loadmarker';

const http = new LoadHttp(CONCURRENCY, HEARTBEATS_IN_FLIGHT);

/** Each phase's figures as it ends, on stderr: a run stopped by the hard limit still says how far it got. */
function progress(message: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

interface Timed {
  ms: number[];
  tookMs: number[];
}

/** Heartbeats at full speed for `ms`, closed loop; returns requests per second. */
async function heartbeatFlood(port: number, peers: SimPeer[], ms: number): Promise<number> {
  const until = Date.now() + ms;
  let done = 0;
  let i = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < until) {
      const p = peers[i++ % peers.length] as SimPeer;
      const res = await http.call(port, 'POST', '/api/v1/peers/heartbeat', { peerId: p.id, activeUploads: 0, freeUploadSlots: 4 }, p.token);
      if (res.status !== 200) throw new Error(`heartbeat answered ${res.status}: ${res.body}`);
      done++;
    }
  }));
  return done / (ms / 1000);
}

async function bareServer(): Promise<{ port: number; close(): void }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString());
      const body = JSON.stringify({ ok: true, heartbeatIntervalMs: HEARTBEAT_MS });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

function peerFiles(i: number): IndexedFile[] {
  // Peers overlap: about a third of each library is also held by others (the same ids).
  const files = Array.from({ length: FILES }, (_, k) => generatedFile(k % 3 === 0 ? (i * 7 + k) % (PEERS * 10) : i * FILES + k + 10_000_000));
  if (i < SERVERS) files.push({ ...generatedFile(90_000_000 + i), name: `${MARKER_WORD} server ${i}.txt`, tags: [] });
  return files;
}

/** How many of the markers a search for them on `server` finds (each server's peers hold one). */
async function markersSeenFrom(server: IndexServer): Promise<number> {
  const res = await http.call(server.port, 'GET', `/api/v1/files/search?q=${MARKER_WORD}`);
  if (res.status !== 200) throw new Error(`search answered ${res.status}: ${res.body.slice(0, 200)}`);
  return (JSON.parse(res.body) as { total: number }).total;
}

function summary(t: Timed): string {
  const ms = [...t.ms].sort((a, b) => a - b);
  const took = [...t.tookMs].sort((a, b) => a - b);
  return `${percentile(ms, 50).toFixed(1)} / ${percentile(ms, 95).toFixed(1)} / ${percentile(ms, 99).toFixed(1)} ms, slowest ${(ms[ms.length - 1] ?? NaN).toFixed(0)} ms (${ms.length} searches; inside the index p50/p99 ${percentile(took, 50).toFixed(1)} / ${percentile(took, 99).toFixed(1)} ms)`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-load-'));
  const killer = setTimeout(() => {
    console.error(`load test: over ${HARD_LIMIT_MS / 60000} minutes, stopping`);
    process.exit(2);
  }, HARD_LIMIT_MS);
  killer.unref();
  const servers = await startIndexServers(SERVERS, { dir, heartbeatMs: HEARTBEAT_MS, maxPeers: PEERS + 10, cpuProfileDir: args['cpu-prof'] });
  const cleanup = () => {
    for (const s of servers) s.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const live = () => servers.filter((s) => !s.dead);
  const usage = () => servers.map((s) => (s.dead ? { rssMb: 0, cpuSeconds: 0 } : processUsage(s.child.pid as number)));
  /** CPU seconds all servers used between two usage() readings (a dead one counts as none since). */
  const cpu = (a: { cpuSeconds: number }[], b: { cpuSeconds: number }[]) => a.reduce((sum, x, i) => sum + (x.cpuSeconds === 0 ? 0 : x.cpuSeconds - (b[i]?.cpuSeconds ?? 0)), 0);
  try {
    console.log(`load test: ${PEERS} peers x ${FILES} files over ${SERVERS} index server${SERVERS > 1 ? 's (federated)' : ''}, heartbeat every ${HEARTBEAT_MS} ms, ${SECONDS} s under load${KILL ? ', then one server killed' : ''}, ${CONCURRENCY} connections`);
    const before = usage();

    // A peer whose index server died registers with the next live one, as a real peer's index
    // client fails over; registrations go one at a time per CONCURRENCY slot, as at the start.
    let lastMoved = 0;
    let moved = 0;
    let moveRefusals = 0;
    const movePeer = async (peer: SimPeer): Promise<void> => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const targets = live();
        const target = targets[(peer.n + attempt) % targets.length] as IndexServer;
        try {
          await peer.register(http, target.port);
          peer.server = servers.indexOf(target);
          peer.moving = false;
          moved++;
          lastMoved = Date.now();
          beats.add(peer);
          return;
        } catch {
          moveRefusals++; // the next live server
        }
      }
    };
    // Up to CONCURRENCY movers at once, each taking the next stranded peer.
    const stranded: SimPeer[] = [];
    const movers = new Set<Promise<void>>();
    const beats = startHeartbeats(http, HEARTBEAT_MS, (p) => servers[p.server]?.port ?? 0, (peer) => {
      stranded.push(peer);
      if (movers.size >= CONCURRENCY) return;
      const mover = (async () => {
        for (let next = stranded.shift(); next; next = stranded.shift()) await movePeer(next);
      })().finally(() => movers.delete(mover));
      movers.add(mover);
    });

    // 1. Registrations: peer i with server i mod SERVERS.
    const peers = Array.from({ length: PEERS }, (_, i) => new SimPeer(i, peerFiles(i)));
    let t = performance.now();
    // A refusal is retried, as a real peer's index client does (a call-back can time out on a
    // machine this busy); three in a row stop the run.
    let registerRetries = 0;
    await pool(PEERS, CONCURRENCY, async (i) => {
      const peer = peers[i] as SimPeer;
      peer.server = i % SERVERS;
      for (let attempt = 1; ; attempt++) {
        try {
          await peer.register(http, (servers[peer.server] as IndexServer).port);
          break;
        } catch (err) {
          if (attempt === 3) throw err;
          registerRetries++;
        }
      }
      beats.add(peer);
    });
    const registerSeconds = (performance.now() - t) / 1000;
    progress(`registered ${PEERS} peers in ${registerSeconds.toFixed(0)} s (${registerRetries} refused and tried again)`);
    const afterRegister = usage();
    const online = async () => {
      let sum = 0;
      for (const s of live()) sum += (JSON.parse((await http.call(s.port, 'GET', '/api/v1/stats')).body) as { peersOnline: number }).peersOnline;
      return sum;
    };
    const onlineAfterRegister = await online();
    // The federation: every server sees every server's marker (the servers find each other in a
    // moment after starting; registration took longer).
    const federated: number[] = [];
    for (const s of servers) federated.push(await markersSeenFrom(s));

    const selfBefore = processUsage(process.pid);
    const machineBefore = machineTicks();
    const tcpBefore = tcpCounters();
    const connectionsBefore = http.heartbeatConnections;
    // The generator's own event loop: a search answer waits here too before it is timed.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();

    // 2. Steady heartbeats at the compressed interval while searches run, one after another,
    // each on the next live server; every tenth looks for the markers (all SERVERS expected).
    const steady: Timed = { ms: [], tookMs: [] };
    const afterKill: Timed = { ms: [], tookMs: [] };
    let markerSearches = 0;
    let markerSearchesShort = 0;
    let lastShortAt = 0;
    let killedAt = 0;
    let phase = steady;
    beats.resetCounts();
    const words = [...queryVocabulary.words, ...queryVocabulary.artists];
    const search = async (k: number) => {
      const targets = live();
      const server = targets[k % targets.length] as IndexServer;
      const w = words[(k * 7919) % words.length] ?? 'live';
      const marker = k % 10 === 9;
      const q = marker ? MARKER_WORD : [encodeURIComponent(w), encodeURIComponent(w.slice(0, 3)), `${encodeURIComponent(w)}&category=video`, `${encodeURIComponent(w)}+${encodeURIComponent(words[(k * 31) % words.length] ?? 'a')}`][k % 4];
      const s = performance.now();
      const res = await http.call(server.port, 'GET', `/api/v1/files/search?q=${q}`);
      if (res.status !== 200) throw new Error(`search on server ${servers.indexOf(server)} answered ${res.status}: ${res.body.slice(0, 200)}`);
      phase.ms.push(performance.now() - s);
      const answer = JSON.parse(res.body) as { tookMs: number; total: number };
      phase.tookMs.push(answer.tookMs);
      if (marker) {
        markerSearches++;
        if (answer.total < SERVERS) {
          markerSearchesShort++;
          lastShortAt = Date.now();
        }
      }
    };
    t = performance.now();
    let k = 0;
    const steadyUntil = Date.now() + SECONDS * 1000;
    while (Date.now() < steadyUntil) await search(k++);
    const steadySeconds = (performance.now() - t) / 1000;
    const { ok: heartbeats, failed: heartbeatFailures } = beats.counts();
    progress(`under load: search ${summary(steady)}; ${(heartbeats / steadySeconds).toFixed(0)} heartbeats/s (${heartbeatFailures})`);
    const afterLoad = usage();
    const selfCpu = processUsage(process.pid).cpuSeconds - selfBefore.cpuSeconds;
    const machine = machineTicks();
    const machineBusy = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total);
    const tcp = tcpCounters();
    loopDelay.disable();

    // 3. Failover: the last server dies; searches go on (FAILOVER_SEARCHES_PER_SECOND) until its
    // peers are registered elsewhere and every marker is found again (bounded by the hard limit).
    let failoverRows: [string, string][] = [];
    if (KILL) {
      const victim = servers[servers.length - 1] as IndexServer;
      const toMove = peers.filter((p) => p.server === servers.length - 1).length;
      const survivorsBefore = usage();
      const callBacksBefore = peers.reduce((sum, p) => sum + p.callBacks, 0);
      const selfBeforeKill = processUsage(process.pid);
      beats.resetCounts();
      phase = afterKill;
      victim.child.kill('SIGKILL');
      victim.dead = true;
      killedAt = Date.now();
      const giveUpAt = killedAt + 5 * 60_000;
      let told = killedAt;
      while ((moved < toMove || Date.now() - lastShortAt < 3_000) && Date.now() < giveUpAt) {
        const started = Date.now();
        await search(k++);
        // At most FAILOVER_SEARCHES_PER_SECOND, as users search: back to back, the faster the
        // servers answered, the more searches took CPU from the registrations being timed.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 1000 / FAILOVER_SEARCHES_PER_SECOND - Date.now())));
        if (Date.now() - told >= 10_000) {
          told = Date.now();
          progress(`failover: ${moved} of ${toMove} peers registered elsewhere after ${((told - killedAt) / 1000).toFixed(0)} s`);
        }
      }
      const { failed } = beats.counts();
      const failoverSeconds = (Date.now() - killedAt) / 1000;
      const survivorsCpu = cpu(usage(), survivorsBefore);
      const selfCpuFailover = processUsage(process.pid).cpuSeconds - selfBeforeKill.cpuSeconds;
      failoverRows = [
        ['after killing one server: its peers registered elsewhere', `${moved} of ${toMove} in ${((lastMoved - killedAt) / 1000).toFixed(1)} s (= ${((lastMoved - killedAt) / HEARTBEAT_MS).toFixed(1)} heartbeat intervals; ${moveRefusals} registrations refused; heartbeats ${failed})`],
        ['… of them called back (the others showed a receipt of the killed server)', `${peers.reduce((sum, p) => sum + p.callBacks, 0) - callBacksBefore}`],
        ['… searches missing a server\u2019s files meanwhile', `${markerSearchesShort} of ${markerSearches} marker searches${markerSearchesShort > 0 ? `, the last ${((lastShortAt - killedAt) / 1000).toFixed(1)} s after the kill` : ''}`],
        ['… search p50 / p95 / p99 during the failover', summary(afterKill)],
        ['… CPU during the failover: the live index servers / the load generator', `${survivorsCpu.toFixed(1)} s / ${selfCpuFailover.toFixed(1)} s of ${failoverSeconds.toFixed(0)} s (${((survivorsCpu / failoverSeconds) * 100).toFixed(0)} % / ${((selfCpuFailover / failoverSeconds) * 100).toFixed(0)} % of a core)`],
      ];
    }
    await beats.stop();
    await Promise.all(movers);

    const stats = JSON.parse((await http.call((servers[0] as IndexServer).port, 'GET', '/api/v1/stats')).body) as { peersOnline: number; uniqueFiles: number };
    // 4. Heartbeat capacity: closed loop against the first index, then a bare Node server.
    const floodMs = 5000;
    const onFirst = peers.filter((p) => p.server === 0);
    const shoalMax = await heartbeatFlood((servers[0] as IndexServer).port, onFirst, floodMs);
    const bare = await bareServer();
    const bareMax = await heartbeatFlood(bare.port, onFirst, floodMs);
    bare.close();

    const mb = (u: { rssMb: number }[]) => u.map((x) => x.rssMb.toFixed(0)).join(' + ');
    const rows: [string, string][] = [
      ['peers online after registration (all servers); unique files on server 0', `${onlineAfterRegister}; ${stats.uniqueFiles}`],
      ['a search on each server sees the markers of', `${federated.join(', ')} of ${SERVERS} servers`],
      ['registrations/s (key proof and TLS call-back included)', `${(PEERS / registerSeconds).toFixed(0)} (${(PEERS * FILES / registerSeconds).toFixed(0)} files/s, ${registerSeconds.toFixed(1)} s; ${registerRetries} refused and tried again)`],
      ['heartbeats/s at the compressed interval', `${(heartbeats / steadySeconds).toFixed(0)} (target ${(PEERS / (HEARTBEAT_MS / 1000)).toFixed(0)}; ${heartbeatFailures})`],
      [`search under load p50 / p95 / p99${SERVERS > 1 ? ' (federated)' : ''}`, `${summary(steady)}; aim p99 < 50 ms`],
      ...failoverRows,
      ['index RSS after registration / after load (each server)', `${mb(afterRegister)} MB / ${mb(afterLoad)} MB (idle at start ${mb(before)} MB)`],
      ['index CPU, all servers: registration / load phase', `${cpu(afterRegister, before).toFixed(1)} s / ${cpu(afterLoad, afterRegister).toFixed(1)} s of ${steadySeconds.toFixed(0)} s (${((cpu(afterLoad, afterRegister) / steadySeconds) * 100).toFixed(0)} % of a core)`],
      ['load generator event-loop delay p99 / max (load phase)', `${(loopDelay.percentile(99) / 1e6).toFixed(1)} / ${(loopDelay.max / 1e6).toFixed(1)} ms`],
      ['load generator CPU / whole machine busy (load phase)', `${((selfCpu / steadySeconds) * 100).toFixed(0)} % of a core / ${(machineBusy * 100).toFixed(0)} % of ${cpus().length} cores (other processes included)`],
      ['load phase: heartbeat connections opened; SYNs dropped (accept queue full) / retried, whole machine', `${http.heartbeatConnections - connectionsBefore} (${http.heartbeatConnections} in all); ${tcp.listenOverflows - tcpBefore.listenOverflows} / ${tcp.synRetransmits - tcpBefore.synRetransmits}`],
      ['heartbeat capacity: server 0 vs bare Node', `${shoalMax.toFixed(0)} vs ${bareMax.toFixed(0)} req/s = ${(shoalMax / bareMax).toFixed(2)}x`],
    ];
    const width = Math.max(...rows.map(([key]) => key.length));
    for (const [key, v] of rows) console.log(`${key.padEnd(width)}  ${v}`);
  } finally {
    http.destroy();
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('load test failed:', err);
    process.exit(1);
  },
);
