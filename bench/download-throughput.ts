// Downloading a 512 MiB file over loopback, verified and stored, in the same run, from the same
// Shoal peers (each a real `shoal serve` process):
// - from one peer: `shoal get --peer` against `curl -o` of the same peer's download URL followed by
//   `openssl dgst -sha256` (the same work: store the file and verify it), both in plain HTTP;
// - from one peer, encrypted: the same `shoal get --peer` over TLS 1.3 (the default between Shoal
//   nodes) against it in plain HTTP (security.enable_encryption=false);
// - from four peers: `shoal get` through an index server against `aria2c` on that index's
//   Metalink (the same four peers, `--check-integrity=true`).
// Each is timed from launch to exit (Shoal's includes starting Node and fetching the piece list)
// and its CPU time is read with bash's `times`. Rounds alternate the two sides; median of 3.
// One more figure splits Shoal's start-up from its download: the same one-peer download asked of
// a node already running (`shoal serve`, as the desktop app is), timed from the API call to the
// download's completion, its CPU read from /proc.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { hashFile } from '../src-main/core/hashing/file-hasher.js';
import { processUsage } from '../loadtest/machine-usage.js';
import {
  type Figure, MiB, cleanEnv, freePort, log, mbps, pollUntil, ratio, removeDir, repoRoot, run, recycleFreeMemory, startProcess, stopProcess, syncDisks, tempDir, writeRandomFile,
} from './support.js';

const ROUNDS = 3;
const SIZE = 512 * MiB;
const SOURCES = 4;
/** What each run may write and allocate, and some: the file, and the processes' own memory. */
const RECYCLED_BYTES = SIZE + 256 * MiB;
const shoalBin = join(repoRoot, 'bin', 'shoal.js');

interface Timed {
  ms: number;
  /** CPU seconds (user + system) of the command and its children. */
  cpu: number;
}

/** Runs a shell pipeline under bash and reads its children's CPU time from `times`. */
async function timed(script: string): Promise<Timed & { stdout: string }> {
  // -e: a reference tool that fails (or is missing) fails the figure, never times an empty run.
  const result = await run('bash', ['-ec', `${script}\ntimes`], { timeoutMs: 300_000, env: cleanEnv({ SHOAL_LOGGING_LEVEL: 'warn' }) });
  const lines = result.stdout.trim().split('\n');
  const children = lines.at(-1) ?? '';
  const [user, sys] = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { ms: result.ms, cpu: (user ?? 0) + (sys ?? 0), stdout: lines.slice(0, -2).join('\n') };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function serve(args: string[], env: Record<string, string> = {}): { child: ChildProcess; url: Promise<string>; token: Promise<string> } {
  const child = startProcess(process.execPath, [shoalBin, 'serve', '--host', '127.0.0.1', ...args], {
    env: cleanEnv({ SHOAL_LOGGING_LEVEL: 'warn', SHOAL_PEER_LAN_DISCOVERY: 'false', ...env }), cwd: repoRoot,
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  const app = pollUntil(async () => /Open the app: (\S+)/.exec(stdout)?.[1], 'shoal serve to start', 30_000, 20).then((u) => new URL(u));
  return { child, url: app.then((u) => u.origin), token: app.then((u) => u.searchParams.get('token') ?? '') };
}

export async function downloadThroughput(): Promise<Figure[]> {
  const root = tempDir('download');
  const www = tempDir('download/www');
  const stops: (() => Promise<void>)[] = [];
  try {
    log('downloads: writing a 512 MiB file');
    const file = join(www, 'big.bin');
    writeRandomFile(file, SIZE);
    await syncDisks();
    const { id } = await hashFile(file);
    const sha256 = (await run('openssl', ['dgst', '-sha256', '-r', file])).stdout.split(' ')[0] ?? '';

    const indexPort = await freePort();
    const index = serve(['--port', '0', '--data', join(root, 'index'), '--no-share', '--index', '--index-port', String(indexPort)]);
    stops.push(() => stopProcess(index.child));
    await index.url;
    log(`downloads: starting ${SOURCES} sources and waiting for them to hash, register and compute the SHA-256 a Metalink needs`);
    const sources = Array.from({ length: SOURCES }, (_, i) =>
      serve(['--port', '0', '--data', join(root, `source-${i}`), '--shared', www, '--index-server', `127.0.0.1:${indexPort}`], { SHOAL_PEER_AUTO_REGISTER: 'true' }));
    for (const s of sources) stops.push(() => stopProcess(s.child));
    const sourceUrls = await Promise.all(sources.map((s) => s.url));
    await pollUntil(async () => {
      const res = await fetch(`http://127.0.0.1:${indexPort}/api/v1/files/${id}`);
      return res.ok && ((await res.json()) as { sourceCount: number }).sourceCount === SOURCES;
    }, `${SOURCES} sources at the index`, 300_000, 500);
    const metalinkUrl = `http://127.0.0.1:${indexPort}/api/v1/files/${id}/metalink`;
    await pollUntil(async () => (await fetch(metalinkUrl)).ok, 'the Metalink (the sources\' background SHA-256)', 300_000, 500);

    const out = join(root, 'out');
    // Each timed run starts with no dirty pages left by the one before: a 512 MiB file still being
    // written back slowed whichever download came next (its own writes throttled, Shoal's syncs
    // queued behind it), and that depended on the order, not on the downloader.
    // Then every run takes its memory from pages just used (recycleFreeMemory: on this VM, memory
    // left free for seconds costs host faults when written again).
    const fresh = async () => {
      rmSync(out, { recursive: true, force: true });
      await syncDisks();
      recycleFreeMemory(root, RECYCLED_BYTES);
    };
    const peerUrl = `${sourceUrls[0]!}/api/v1/download/${id}`;
    const curlThenOpenssl = async (): Promise<Timed> => {
      await fresh();
      const t = await timed(`mkdir -p ${out} && curl -sf ${peerUrl} -o ${join(out, 'big.bin')} && openssl dgst -sha256 -r ${join(out, 'big.bin')}`);
      if (!t.stdout.startsWith(sha256)) throw new Error(`curl -o; openssl: wrong digest ${t.stdout}`);
      return t;
    };
    const aria2c = async (): Promise<Timed> => {
      await fresh();
      const t = await timed(`aria2c --no-conf --follow-metalink=mem --check-integrity=true --file-allocation=none --split=${SOURCES} `
        + `--max-connection-per-server=${SOURCES} --min-split-size=1M --summary-interval=0 --console-log-level=error --dir=${out} ${metalinkUrl} >/dev/null`);
      const { stdout } = await run('openssl', ['dgst', '-sha256', '-r', join(out, 'big.bin')]);
      if (!stdout.startsWith(sha256)) throw new Error(`aria2c: wrong bytes ${stdout}`);
      return t;
    };
    const shoalGet = async (how: string[], encrypted = true): Promise<Timed> => {
      await fresh();
      const state = join(root, 'get-state');
      rmSync(state, { recursive: true, force: true });
      const plain = encrypted ? '' : 'SHOAL_SECURITY_ENABLE_ENCRYPTION=false ';
      const t = await timed(`${plain}${process.execPath} ${shoalBin} get ${id} ${how.join(' ')} -o ${out} --data ${state} 2>/dev/null`);
      const landed = join(out, 'big.bin');
      if (t.stdout.trim() !== landed) throw new Error(`shoal get printed ${t.stdout}`);
      return t;
    };
    const onePeer = ['--peer', new URL(sourceUrls[0]!).host];
    const viaIndex = ['--index', `127.0.0.1:${indexPort}`];

    // A node already running, as the desktop app is: the same one-peer download in plain HTTP,
    // asked of its API, so no Node start-up is in the time.
    const appOut = join(root, 'app-downloads');
    const appNode = serve(['--port', '0', '--data', join(root, 'app'), '--no-share', '--downloads', appOut], { SHOAL_SECURITY_ENABLE_ENCRYPTION: 'false' });
    stops.push(() => stopProcess(appNode.child));
    const [appUrl, appToken] = await Promise.all([appNode.url, appNode.token]);
    const appApi = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${appUrl}${path}`, { ...init, headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' } });
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; state: string; path: string | null };
    };
    const inApp = async (): Promise<Timed> => {
      rmSync(appOut, { recursive: true, force: true });
      await syncDisks();
      recycleFreeMemory(root, RECYCLED_BYTES);
      const cpuBefore = processUsage(appNode.child.pid!).cpuSeconds;
      const started = performance.now();
      const { id: downloadId } = await appApi('/api/v1/downloads', { method: 'POST', body: JSON.stringify({ fileId: id, peer: onePeer[1] }) });
      const done = await pollUntil(async () => {
        const d = await appApi(`/api/v1/downloads/${downloadId}`);
        if (d.state === 'failed' || d.state === 'cancelled') throw new Error(`the running node's download ended ${d.state}`);
        return d.state === 'completed' && d;
      }, 'the running node\'s download', 300_000, 5);
      const ms = performance.now() - started;
      const cpuUsed = processUsage(appNode.child.pid!).cpuSeconds - cpuBefore;
      const { stdout } = await run('openssl', ['dgst', '-sha256', '-r', done.path ?? '']);
      if (!stdout.startsWith(sha256)) throw new Error(`the running node's download: wrong bytes ${stdout}`);
      await appApi(`/api/v1/downloads/${downloadId}`, { method: 'DELETE' }); // out of the history; the next run starts afresh
      return { ms, cpu: cpuUsed };
    };

    // A warm-up of each: the page cache holds the file, first connections are made.
    await curlThenOpenssl();
    await aria2c();
    await shoalGet(onePeer);
    await shoalGet(onePeer, false);
    await inApp();
    const times = { curl: [] as number[], one: [] as number[], app: [] as number[], enc: [] as number[], aria2c: [] as number[], four: [] as number[] };
    const cpu = { curl: [] as number[], one: [] as number[], app: [] as number[], enc: [] as number[], aria2c: [] as number[], four: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      const pairs: [keyof typeof times, () => Promise<Timed>][] = [
        ['curl', curlThenOpenssl], ['one', () => shoalGet(onePeer, false)], ['app', inApp], ['enc', () => shoalGet(onePeer)], ['aria2c', aria2c], ['four', () => shoalGet(viaIndex)],
      ];
      // Alternate which side of each pair goes first.
      if (round % 2 === 0) pairs.reverse();
      for (const [name, go] of pairs) {
        const t = await go();
        times[name].push(t.ms);
        cpu[name].push(t.cpu);
      }
      log(`downloads: round ${round}: ${(Object.keys(times) as (keyof typeof times)[]).map((k) => `${k} ${mbps(SIZE, times[k].at(-1)!)} (${cpu[k].at(-1)!.toFixed(2)} s CPU)`).join(', ')}`);
    }
    const m = { curl: median(times.curl), one: median(times.one), app: median(times.app), enc: median(times.enc), aria2c: median(times.aria2c), four: median(times.four) };
    const c = { curl: median(cpu.curl), one: median(cpu.one), app: median(cpu.app), enc: median(cpu.enc), aria2c: median(cpu.aria2c), four: median(cpu.four) };
    return [
      {
        figure: 'Download of 512 MiB from 1 peer, stored and verified (shoal get --peer, plain HTTP)',
        shoal: mbps(SIZE, m.one), reference: `${mbps(SIZE, m.curl)} (curl -o from the same peer, then openssl dgst -sha256)`,
        ratio: ratio(m.curl / m.one), aim: '≥ 0.80×', met: m.curl / m.one >= 0.8,
        note: `median of ${ROUNDS}, rounds alternated; wall time from launch to exit, so Shoal's includes starting Node (~0.2 s) and fetching the piece list. CPU: Shoal ${c.one.toFixed(2)} s, curl + openssl ${c.curl.toFixed(2)} s.`,
      },
      {
        figure: 'The same download asked of a running node (the app\'s case: no start-up), plain HTTP (diagnostic)',
        shoal: mbps(SIZE, m.app), reference: `${mbps(SIZE, m.curl)} (curl -o, then openssl dgst -sha256)`,
        ratio: ratio(m.curl / m.app), aim: '(info)',
        note: `median of ${ROUNDS}; from the API call to the download's completion (polled every 5 ms). CPU of the running node: ${c.app.toFixed(2)} s. The difference from shoal get is its start-up.`,
      },
      {
        figure: 'Encrypted download of 512 MiB from 1 peer (shoal get --peer over TLS 1.3, the default)',
        shoal: mbps(SIZE, m.enc), reference: `${mbps(SIZE, m.one)} (the same in plain HTTP, security.enable_encryption=false)`,
        ratio: ratio(m.one / m.enc), aim: '≥ 0.80×', met: m.one / m.enc >= 0.8,
        note: `median of ${ROUNDS}, rounds alternated; TLS_AES_128_GCM_SHA256, both sides' node keys checked. CPU: encrypted ${c.enc.toFixed(2)} s, plain ${c.one.toFixed(2)} s (downloader only; the source's TLS is not counted).`,
      },
      {
        figure: `Download of 512 MiB from ${SOURCES} peers, stored and verified (shoal get via an index, over TLS)`,
        shoal: mbps(SIZE, m.four), reference: `${mbps(SIZE, m.aria2c)} (aria2c on the index's Metalink, --check-integrity=true)`,
        ratio: ratio(m.aria2c / m.four), aim: '≥ 1.20×', met: m.aria2c / m.four >= 1.2,
        note: `median of ${ROUNDS}, rounds alternated; sources are ${SOURCES} shoal serve processes on the same 2 cores. CPU: Shoal ${c.four.toFixed(2)} s, aria2c ${c.aria2c.toFixed(2)} s.`,
      },
    ];
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    removeDir(root);
  }
}
