// The index servers under load: separate `shoal serve --index --no-share` processes, as deployed,
// federated with each other when there are several (each configured with the others' addresses).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../bench/support.js';

export interface IndexServer {
  child: ChildProcess;
  port: number;
  /** Killed by the load test (the failover phase). */
  dead: boolean;
}

export interface IndexServerOptions {
  dir: string;
  heartbeatMs: number;
  maxPeers: number;
  /** A folder: each index process writes a V8 CPU profile there when it stops. */
  cpuProfileDir?: string | undefined;
}

export async function startIndexServers(count: number, o: IndexServerOptions): Promise<IndexServer[]> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  return Promise.all(ports.map((port, i) => startIndexServer(i, port, ports.filter((p) => p !== port), o)));
}

async function startIndexServer(i: number, port: number, others: number[], o: IndexServerOptions): Promise<IndexServer> {
  const profile = o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`] : [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SHOAL_SUPER_PEER_HEARTBEAT_INTERVAL: `${o.heartbeatMs}ms`,
    SHOAL_SUPER_PEER_MAX_PEERS: String(o.maxPeers),
    // Every simulated peer comes from 127.0.0.1, so the index's per-address limits are off.
    SHOAL_SUPER_PEER_MAX_REQUESTS_PER_ADDRESS: '0',
    SHOAL_SUPER_PEER_MAX_PEERS_PER_ADDRESS: '0',
    SHOAL_SUPER_PEER_MAX_REGISTRATIONS_PER_ADDRESS: '0',
    SHOAL_SUPER_PEER_MAX_FILES_PER_ADDRESS: '0',
    SHOAL_LOGGING_LEVEL: 'warn',
    SHOAL_PEER_LAN_DISCOVERY: 'false',
  };
  if (others.length > 0) env.SHOAL_SUPER_PEER_FEDERATION = others.map((p) => `127.0.0.1:${p}`).join(',');
  const child = spawn(process.execPath, [...profile, 'bin/shoal.js', 'serve', '--index', '--index-port', String(port), '--port', '0', '--no-share', '--host', '127.0.0.1', '--data', join(o.dir, `index-${i}`)], {
    env, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const onData = (c: Buffer) => {
    out += c.toString();
  };
  child.stdout?.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const started = () => /Open the app: \S+/.test(out) && resolve();
    child.stdout?.on('data', started);
    child.once('exit', (code) => reject(new Error(`index server ${i} exited with ${code}: ${out}`)));
  });
  // Its later output (warnings, as JSON lines) goes to the generator's stderr, not into memory.
  child.stdout?.removeAllListeners('data');
  child.stdout?.pipe(process.stderr);
  return { child, port, dead: false };
}
