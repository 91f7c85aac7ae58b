// `npm run load`: N simulated peers (default 1,000; `--peers 10000`) register with 100 files each
// against a real index server (a separate `shoal serve --index --no-share` process), then
// heartbeat at a compressed interval while searches run. Reports registrations/s, heartbeats/s,
// search p50/p99 under load, the index's RSS and CPU, and the index's heartbeat throughput as a
// ratio to a bare Node HTTP server answering the same requests in the same run.
// Loopback only; bounded in time; stops (and kills its child) by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generatedFile, queryVocabulary } from '../bench/realistic-names.js';

const { values: args } = parseArgs({
  options: {
    peers: { type: 'string', default: '1000' },
    files: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    'heartbeat-ms': { type: 'string', default: '10000' },
    /** A folder: the index process writes a V8 CPU profile there when it stops. */
    'cpu-prof': { type: 'string' },
  },
});
const PEERS = Number(args.peers);
const FILES = Number(args.files);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
// Every peer heartbeats once per interval, compressed from the default 30 s to 10 s: 1,000 peers
// send 100 heartbeats a second, 10,000 peers 1,000 a second.
const HEARTBEAT_MS = Math.max(1000, Number(args['heartbeat-ms']));
const HARD_LIMIT_MS = 15 * 60_000;

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
// Heartbeats have connections of their own, many of them, as 10,000 real peers have: while
// registrations keep the index busy a heartbeat waits about a second for its turn, so 32 in flight
// would carry 32 a second and peers would go offline for want of heartbeats the generator never sent.
const HEARTBEATS_IN_FLIGHT = 1024;
// maxFreeSockets as high as maxSockets: real peers keep their connection. With Node's default of
// 256, the agent closed every idle socket beyond 256 after each burst and reopened hundreds at
// once on the next, more than the index's accept queue took: dropped SYNs, retried 1, 3, 7 s later
// (heartbeats lost, searches stalled for seconds, ETIMEDOUT). And 'fifo': every connection is used
// in turn, as each real peer uses its own every interval; with the default 'lifo' the least used
// sat idle past the index's keep-alive timeout, which closed them, and a heartbeat sent on one as it
// closed got ECONNRESET.
const heartbeatAgent = new Agent({ keepAlive: true, maxSockets: HEARTBEATS_IN_FLIGHT, maxFreeSockets: HEARTBEATS_IN_FLIGHT, scheduling: 'fifo' });
/** Connections the heartbeat agent opened: they should be opened once, then kept. */
let heartbeatConnections = 0;
const openedSockets = new WeakSet<object>();

function call(port: number, method: string, path: string, body?: unknown, token?: string, via = agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = {};
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: via }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (via === heartbeatAgent) {
      req.on('socket', (socket) => {
        if (openedSockets.has(socket)) return;
        openedSockets.add(socket);
        heartbeatConnections++;
      });
    }
    req.end(payload);
  });
}

/** Runs `task(i)` for i in [0, count) with `CONCURRENCY` in flight. */
async function pool(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
    while (next < count) await task(next++);
  }));
}

/**
 * Each added peer heartbeats every HEARTBEAT_MS from when it is added (a FIFO of due times: all
 * peers share one interval, so the queue stays in order), at most HEARTBEATS_IN_FLIGHT at once.
 */
function startHeartbeats(port: number): { add(p: { peerId: string; token: string }): void; resetCounts(): void; counts(): { ok: number; failed: string }; stop(): Promise<void> } {
  let queue: { peer: { peerId: string; token: string }; at: number }[] = [];
  let head = 0;
  let ok = 0;
  let failed = 0;
  let stopped = false;
  const reasons = new Map<string, number>();
  const fail = (why: string) => {
    failed++;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  };
  // A counter and one waiter, not Promise.race over a thousand promises (quadratic, and it leaks reactions).
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      const next = queue[head];
      if (!next || next.at > Date.now()) {
        await new Promise((r) => setTimeout(r, next ? Math.min(20, Math.max(1, next.at - Date.now())) : 20));
        continue;
      }
      head++;
      if (head > 50_000) {
        queue = queue.slice(head);
        head = 0;
      }
      queue.push({ peer: next.peer, at: Math.max(next.at + HEARTBEAT_MS, Date.now()) });
      inFlight++;
      void call(port, 'POST', '/api/v1/peers/heartbeat', { peerId: next.peer.peerId, activeUploads: 0, freeUploadSlots: 4 }, next.peer.token, heartbeatAgent).then((r) => {
        if (r.status === 200) ok++;
        else fail(String(r.status));
      }, (err: unknown) => fail((err as NodeJS.ErrnoException).code ?? 'error')).finally(() => {
        inFlight--;
        slotFreed?.();
      });
      while (inFlight >= HEARTBEATS_IN_FLIGHT) await new Promise<void>((r) => (slotFreed = r));
    }
    while (inFlight > 0) await new Promise<void>((r) => (slotFreed = r));
  })();
  return {
    add: (peer) => void queue.push({ peer, at: Date.now() + HEARTBEAT_MS }),
    resetCounts: () => {
      ok = 0;
      failed = 0;
      reasons.clear();
    },
    counts: () => ({ ok, failed: failed === 0 ? '0 failed' : `${failed} failed: ${[...reasons].map(([k, v]) => `${k} x${v}`).join(', ')}` }),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Heartbeats at full speed for `ms`, closed loop; returns requests per second. */
async function heartbeatFlood(port: number, peers: { peerId: string; token: string }[], ms: number): Promise<number> {
  const until = Date.now() + ms;
  let done = 0;
  let i = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < until) {
      const p = peers[i++ % peers.length] as { peerId: string; token: string };
      const res = await call(port, 'POST', '/api/v1/peers/heartbeat', { peerId: p.peerId, activeUploads: 0, freeUploadSlots: 4 }, p.token);
      if (res.status !== 200) throw new Error(`heartbeat answered ${res.status}: ${res.body}`);
      done++;
    }
  }));
  return done / (ms / 1000);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function processUsage(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

/** Busy and total CPU ticks of the whole machine (/proc/stat): did other work share the cores? */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Kernel TCP counters (the whole machine): SYNs dropped because an accept queue was full, and retried. */
function tcpCounters(): { listenOverflows: number; synRetransmits: number } {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/).map(Number);
  const get = (name: string) => values[names.indexOf(name)] ?? 0;
  return { listenOverflows: get('ListenOverflows'), synRetransmits: get('TCPSynRetrans') };
}

async function startIndex(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  // Every simulated peer comes from 127.0.0.1, so the index's per-address limits are off.
  const child = spawn(process.execPath, [...profile, 'bin/shoal.js', 'serve', '--index', '--index-port', '0', '--port', '0', '--no-share', '--host', '127.0.0.1', '--data', join(dir, 'data')], {
    env: { ...process.env, SHOAL_SUPER_PEER_HEARTBEAT_INTERVAL: `${HEARTBEAT_MS}ms`, SHOAL_SUPER_PEER_MAX_PEERS: String(PEERS + 10), SHOAL_SUPER_PEER_MAX_REQUESTS_PER_ADDRESS: '0', SHOAL_SUPER_PEER_MAX_PEERS_PER_ADDRESS: '0', SHOAL_SUPER_PEER_MAX_REGISTRATIONS_PER_ADDRESS: '0', SHOAL_SUPER_PEER_MAX_FILES_PER_ADDRESS: '0', SHOAL_LOGGING_LEVEL: 'warn', SHOAL_PEER_LAN_DISCOVERY: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const controlUrl = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Open the app: (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the index exited with ${code}: ${out}`)));
  });
  const info = (await (await fetch(new URL('/api/v1/info', controlUrl))).json()) as { indexPort: number };
  return { child, port: info.indexPort };
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-load-'));
  const killer = setTimeout(() => {
    console.error(`load test: over ${HARD_LIMIT_MS / 60000} minutes, stopping`);
    process.exit(2);
  }, HARD_LIMIT_MS);
  killer.unref();
  const { child, port } = await startIndex(dir);
  const cleanup = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    console.log(`load test: ${PEERS} peers x ${FILES} files, heartbeat every ${HEARTBEAT_MS} ms, ${SECONDS} s under load, ${CONCURRENCY} connections`);
    const before = processUsage(child.pid as number);

    // Every peer heartbeats at the interval from its registration on, as real peers do (a peer
    // silent for 3 intervals goes offline: registering 10,000 peers takes minutes).
    const beats = startHeartbeats(port);

    // 1. Registrations.
    const peers: { peerId: string; token: string }[] = new Array(PEERS);
    let t = performance.now();
    await pool(PEERS, async (i) => {
      const peerId = randomUUID();
      // Peers overlap: about a third of each library is also held by others (the same ids).
      const files = Array.from({ length: FILES }, (_, k) => generatedFile(k % 3 === 0 ? (i * 7 + k) % (PEERS * 10) : i * FILES + k + 10_000_000));
      const res = await call(port, 'POST', '/api/v1/peers/register', { peerId, name: `load-${i}`, port: 10_000 + (i % 50_000), protocol: 2, files });
      if (res.status !== 200) throw new Error(`register answered ${res.status}: ${res.body}`);
      peers[i] = { peerId, token: (JSON.parse(res.body) as { sessionToken: string }).sessionToken };
      beats.add(peers[i]);
    });
    const registerSeconds = (performance.now() - t) / 1000;
    const afterRegister = processUsage(child.pid as number);
    const onlineAfterRegister = (JSON.parse((await call(port, 'GET', '/api/v1/stats')).body) as { peersOnline: number }).peersOnline;
    const selfBefore = processUsage(process.pid);
    const machineBefore = machineTicks();
    const tcpBefore = tcpCounters();
    const connectionsBefore = heartbeatConnections;
    // The generator's own event loop: a search answer waits here too before it is timed.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();

    // 2. Steady heartbeats at the compressed interval while searches run, one after another.
    const latencies: number[] = [];
    const searchMs: number[] = []; // the index's own tookMs: the rest of a latency is queueing and HTTP
    const until = Date.now() + SECONDS * 1000;
    beats.resetCounts();
    const words = [...queryVocabulary.words, ...queryVocabulary.artists];
    const searching = (async () => {
      let k = 0;
      while (Date.now() < until) {
        const w = words[(k * 7919) % words.length] ?? 'live';
        const q = [encodeURIComponent(w), encodeURIComponent(w.slice(0, 3)), `${encodeURIComponent(w)}&category=video`, `${encodeURIComponent(w)}+${encodeURIComponent(words[(k * 31) % words.length] ?? 'a')}`][k % 4];
        k++;
        const s = performance.now();
        const res = await call(port, 'GET', `/api/v1/files/search?q=${q}`);
        if (res.status !== 200) throw new Error(`search answered ${res.status}`);
        latencies.push(performance.now() - s);
        searchMs.push((JSON.parse(res.body) as { tookMs: number }).tookMs);
      }
    })();
    t = performance.now();
    await searching;
    const { ok: heartbeats, failed: heartbeatFailures } = beats.counts();
    await beats.stop();
    const loadSeconds = (performance.now() - t) / 1000;
    const afterLoad = processUsage(child.pid as number);
    const selfCpu = processUsage(process.pid).cpuSeconds - selfBefore.cpuSeconds;
    const machine = machineTicks();
    const machineBusy = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total);
    const tcp = tcpCounters();
    loopDelay.disable();
    latencies.sort((a, b) => a - b);
    searchMs.sort((a, b) => a - b);

    const stats = JSON.parse((await call(port, 'GET', '/api/v1/stats')).body) as { peersOnline: number; uniqueFiles: number };
    // 3. Heartbeat capacity: closed loop against the index, then a bare Node server.
    const floodMs = 5000;
    const shoalMax = await heartbeatFlood(port, peers, floodMs);
    const bare = await bareServer();
    const bareMax = await heartbeatFlood(bare.port, peers, floodMs);
    bare.close();

    const rows: [string, string][] = [
      ['peers online after registration / at the end; unique files', `${onlineAfterRegister} / ${stats.peersOnline}; ${stats.uniqueFiles}`],
      ['registrations/s', `${(PEERS / registerSeconds).toFixed(0)} (${(PEERS * FILES / registerSeconds).toFixed(0)} files/s, ${registerSeconds.toFixed(1)} s)`],
      ['heartbeats/s at the compressed interval', `${(heartbeats / loadSeconds).toFixed(0)} (target ${(PEERS / (HEARTBEAT_MS / 1000)).toFixed(0)}; ${heartbeatFailures})`],
      ['search under load p50 / p95 / p99', `${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.95).toFixed(1)} / ${quantile(latencies, 0.99).toFixed(1)} ms (${latencies.length} searches; aim p99 < 50 ms)`],
      ['… slowest search', `${(latencies[latencies.length - 1] ?? NaN).toFixed(1)} ms`],
      ['… of which searching inside the index p50 / p99', `${quantile(searchMs, 0.5).toFixed(1)} / ${quantile(searchMs, 0.99).toFixed(1)} ms`],
      ['index RSS after registration / after load', `${afterRegister.rssMb.toFixed(0)} MB / ${afterLoad.rssMb.toFixed(0)} MB (idle at start ${before.rssMb.toFixed(0)} MB)`],
      ['index CPU: registration / load phase', `${(afterRegister.cpuSeconds - before.cpuSeconds).toFixed(1)} s / ${(afterLoad.cpuSeconds - afterRegister.cpuSeconds).toFixed(1)} s of ${loadSeconds.toFixed(0)} s (${(((afterLoad.cpuSeconds - afterRegister.cpuSeconds) / loadSeconds) * 100).toFixed(0)} % of a core)`],
      ['load generator event-loop delay p99 / max (load phase)', `${(loopDelay.percentile(99) / 1e6).toFixed(1)} / ${(loopDelay.max / 1e6).toFixed(1)} ms`],
      ['load generator CPU / whole machine busy (load phase)', `${((selfCpu / loadSeconds) * 100).toFixed(0)} % of a core / ${(machineBusy * 100).toFixed(0)} % of ${cpus().length} cores (other processes included)`],
      ['load phase: heartbeat connections opened; SYNs dropped (accept queue full) / retried, whole machine', `${heartbeatConnections - connectionsBefore} (${heartbeatConnections} in all); ${tcp.listenOverflows - tcpBefore.listenOverflows} / ${tcp.synRetransmits - tcpBefore.synRetransmits}`],
      ['heartbeat capacity: index vs bare Node', `${shoalMax.toFixed(0)} vs ${bareMax.toFixed(0)} req/s = ${(shoalMax / bareMax).toFixed(2)}x`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    agent.destroy();
    heartbeatAgent.destroy();
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
