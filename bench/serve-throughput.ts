// Figure 3: serving one 1 GiB file over loopback, fetched by curl (to /dev/null): Shoal's
// /api/v1/download/{id} (a real `shoal serve` process) against nginx (sendfile, one worker) and a
// bare Node server (createReadStream().pipe(res), default 64 KiB reads, and again with 1 MiB reads). Best of 3 for each, rounds interleaved.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { SharedFile } from '../src-shared/api/library.js';
import { startHeadlessNode } from './headless-node.js';
import { type Figure, GiB, cleanEnv, commandExists, freePort, log, mbps, pollUntil, ratio, removeDir, run, startProcess, stopProcess, syncDisks, tempDir, writeRandomFile } from './support.js';

const ROUNDS = 3;
const SIZE = GiB;

/** curl's own figure (bytes/s), after checking it got every byte with a 200. */
async function curlSpeed(url: string): Promise<number> {
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{speed_download} %{size_download} %{http_code}', url], { timeoutMs: 120_000 });
  const [speed, size, code] = stdout.trim().split(' ').map(Number);
  if (code !== 200 || size !== SIZE) throw new Error(`curl ${url}: HTTP ${code}, ${size} bytes`);
  return speed ?? 0;
}

async function waitForHttp(url: string): Promise<void> {
  await pollUntil(async () => (await fetch(url, { method: 'HEAD' })).ok, url, 15_000, 50);
}

/** nginx if it is installed, or installable from Debian's packages quickly (as root). */
export async function findNginx(): Promise<{ path?: string; how: string }> {
  const found = (await commandExists('nginx')) ?? ((await commandExists('/usr/sbin/nginx')) ? '/usr/sbin/nginx' : undefined);
  if (found) return { path: found, how: 'installed' };
  if (process.getuid?.() !== 0) return { how: 'not installed, and not root to install it' };
  log('figure 3: nginx missing; trying apt-get install -y nginx (2 min at most)');
  const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  let attempt = await run('apt-get', ['install', '-y', '-qq', 'nginx'], { env, timeoutMs: 120_000, allowFailure: true }).catch(() => undefined);
  if (attempt?.code !== 0) {
    await run('apt-get', ['update', '-qq'], { env, timeoutMs: 60_000, allowFailure: true }).catch(() => undefined);
    attempt = await run('apt-get', ['install', '-y', '-qq', 'nginx'], { env, timeoutMs: 120_000, allowFailure: true }).catch(() => undefined);
  }
  const path = (await commandExists('nginx')) ?? ((await commandExists('/usr/sbin/nginx')) ? '/usr/sbin/nginx' : undefined);
  return path ? { path, how: 'installed by this run (apt-get)' } : { how: 'could not be installed' };
}

export function nginxConfig(dir: string, www: string, port: number): string {
  const asRoot = process.getuid?.() === 0;
  return [
    // Run as root, the workers would drop to "nobody", who cannot enter our 0700 temp folder.
    asRoot ? 'user root;' : '',
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    '  sendfile on;',
    '  tcp_nopush on;',
    '  default_type application/octet-stream;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}-temp`)};`),
    `  server { listen 127.0.0.1:${port}; root ${www}; location / { } }`,
    '}',
    '',
  ].join('\n');
}

const BARE_NODE_SERVER = `
const http = require('node:http'), fs = require('node:fs');
const [file, port, chunk] = process.argv.slice(1);
http.createServer((req, res) => {
  const { size } = fs.statSync(file);
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file, chunk ? { highWaterMark: Number(chunk) } : {}).pipe(res);
}).listen(Number(port), '127.0.0.1');
`;

export async function serveThroughput(): Promise<Figure[]> {
  const root = tempDir('serve');
  const www = join(root, 'www');
  const stopAll: (() => Promise<void>)[] = [];
  try {
    log('figure 3: writing a 1 GiB file');
    tempDir('serve/www');
    const file = join(www, 'big.bin');
    writeRandomFile(file, SIZE);
    await syncDisks();

    log('figure 3: starting shoal serve and waiting for it to hash the file');
    const node = await startHeadlessNode({ sharedDir: www, dataDir: join(root, 'data') });
    stopAll.push(() => node.stop());
    await node.whenIdle(1, 120_000);
    const list = (await (await fetch(`${node.url}/api/v1/files`)).json()) as { items: SharedFile[] };
    const id = list.items[0]?.id;
    if (!id) throw new Error('the node lists no file');
    const shoalUrl = `${node.url}/api/v1/download/${id}`;

    const nodePort = await freePort();
    const bare = startProcess(process.execPath, ['-e', BARE_NODE_SERVER, file, String(nodePort)]);
    stopAll.push(() => stopProcess(bare));
    const bareUrl = `http://127.0.0.1:${nodePort}/big.bin`;
    await waitForHttp(bareUrl);
    // The same, reading 1 MiB at a time as Shoal does: tells Shoal's own overhead from Node's.
    const bigPort = await freePort();
    const bareBig = startProcess(process.execPath, ['-e', BARE_NODE_SERVER, file, String(bigPort), String(1024 * 1024)]);
    stopAll.push(() => stopProcess(bareBig));
    const bareBigUrl = `http://127.0.0.1:${bigPort}/big.bin`;
    await waitForHttp(bareBigUrl);

    const nginx = await findNginx();
    let nginxUrl: string | undefined;
    if (nginx.path) {
      const nginxDir = tempDir('serve/nginx');
      const port = await freePort();
      const conf = join(nginxDir, 'nginx.conf');
      writeFileSync(conf, nginxConfig(nginxDir, www, port));
      const child = startProcess(nginx.path, ['-p', nginxDir, '-c', conf, '-e', join(nginxDir, 'error.log')]);
      stopAll.push(() => stopProcess(child));
      nginxUrl = `http://127.0.0.1:${port}/big.bin`;
      await waitForHttp(nginxUrl);
    } else {
      log(`figure 3: nginx ${nginx.how}: the bare Node server is the only reference`);
    }

    const best = { shoal: 0, nginx: 0, bare: 0, bareBig: 0 };
    // One throw-away fetch each, so first-request costs (and page-cache misses) are not measured.
    await curlSpeed(shoalUrl);
    if (nginxUrl) await curlSpeed(nginxUrl);
    await curlSpeed(bareUrl);
    await curlSpeed(bareBigUrl);
    for (let round = 1; round <= ROUNDS; round++) {
      const s = await curlSpeed(shoalUrl);
      const n = nginxUrl ? await curlSpeed(nginxUrl) : 0;
      const b = await curlSpeed(bareUrl);
      const bb = await curlSpeed(bareBigUrl);
      log(`figure 3: round ${round}: Shoal ${mbps(s, 1000)}, nginx ${nginxUrl ? mbps(n, 1000) : '-'}, bare Node ${mbps(b, 1000)}, bare Node 1 MiB reads ${mbps(bb, 1000)}`);
      best.bareBig = Math.max(best.bareBig, bb);
      best.shoal = Math.max(best.shoal, s);
      best.nginx = Math.max(best.nginx, n);
      best.bare = Math.max(best.bare, b);
    }

    const rows: Figure[] = [];
    const mainReference = nginxUrl ? best.nginx : best.bare;
    const r = best.shoal / mainReference;
    rows.push({
      figure: 'Serving a 1 GiB file over loopback (curl → /dev/null)',
      shoal: mbps(best.shoal, 1000),
      reference: nginxUrl ? `${mbps(best.nginx, 1000)} (nginx, sendfile)` : `${mbps(best.bare, 1000)} (bare Node; NO nginx: ${nginx.how})`,
      ratio: ratio(r),
      aim: '≥ 0.80× nginx',
      met: nginxUrl ? r >= 0.8 : undefined,
      note: `best of ${ROUNDS} after one warm-up fetch each; curl runs on the same ${availableParallelism()} cores. nginx: ${nginx.how}` +
        (nginxUrl ? ', 1 worker, sendfile on (zero-copy); Shoal streams through user space (1 MiB reads).' : '.'),
    });
    rows.push({
      figure: 'Serving, against a bare Node server (createReadStream().pipe(res))',
      shoal: mbps(best.shoal, 1000),
      reference: mbps(best.bare, 1000),
      ratio: ratio(best.shoal / best.bare),
      aim: '(info)',
    });
    rows.push({
      figure: 'Serving, against a bare Node server reading 1 MiB at a time (as Shoal does)',
      shoal: mbps(best.shoal, 1000),
      reference: mbps(best.bareBig, 1000),
      ratio: ratio(best.shoal / best.bareBig),
      aim: '(info)',
    });
    return rows;
  } finally {
    for (const stop of stopAll.reverse()) await stop().catch(() => undefined);
    removeDir(root);
  }
}
