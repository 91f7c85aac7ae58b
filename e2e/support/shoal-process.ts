// A real headless node for a test: `node bin/shoal.js serve` (the built CLI, as a user runs it) in
// temporary folders on port 0, with LAN discovery off so parallel tests never find each other.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'shoal.js');

export interface ShoalProcess {
  /** The peer API on loopback, e.g. http://127.0.0.1:40123 */
  url: string;
  /** The link `shoal serve` printed, with the token in it. */
  controlUrl: string;
  token: string;
  sharedDir: string;
  downloadDir: string;
  /** fetch with the control token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface ShoalOptions {
  /** Run as an index server too (index port: any free one). */
  index?: boolean;
  /** Share nothing: an index server only. */
  noShare?: boolean;
  /** host:port of index servers to register with. */
  indexServers?: string[];
  env?: Record<string, string>;
  /** The shared folder (default: a fresh one in the node's temporary folder); the caller removes it. */
  sharedDir?: string;
}

export async function startShoal(o: ShoalOptions = {}): Promise<ShoalProcess> {
  const root = await mkdtemp(join(tmpdir(), 'shoal-e2e-'));
  const sharedDir = o.sharedDir ?? join(root, 'shared');
  const downloadDir = join(root, 'downloads');
  await mkdir(sharedDir, { recursive: true });
  const args = [BIN, 'serve', '--shared', sharedDir, '--data', join(root, 'data'), '--port', '0', '--host', '127.0.0.1'];
  if (o.index) args.push('--index', '--index-port', '0');
  if (o.noShare) args.push('--no-share');
  if (o.indexServers?.length) args.push('--index-server', ...o.indexServers);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, SHOAL_PEER_LAN_DISCOVERY: 'false', SHOAL_PEER_DOWNLOAD_DIRECTORY: downloadDir, SHOAL_LOGGING_LEVEL: 'warn', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let controlUrl: string;
  try {
    controlUrl = await printedLink(child);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const { origin, searchParams } = new URL(controlUrl);
  const token = searchParams.get('token') ?? '';
  return {
    url: origin,
    controlUrl,
    token,
    sharedDir,
    downloadDir,
    api: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(origin + path, { ...init, headers });
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Waits for "Open the app: URL" on stdout; a node that exits first fails with what it said. */
function printedLink(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Open the app: (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`shoal serve exited (${code}) before printing its link:\n${out}${err}`)));
  });
}

/** The index port of a node running as an index server. */
export async function indexPortOf(node: ShoalProcess): Promise<number> {
  const info = (await (await fetch(`${node.url}/api/v1/info`)).json()) as { indexPort: number | null };
  if (info.indexPort === null) throw new Error('the node runs no index server');
  return info.indexPort;
}
