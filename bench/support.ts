// Shared helpers for the benchmarks: one temp folder per run (under os.tmpdir(), removed on exit
// even after Ctrl-C), child processes that are always stopped, data-set builders, timing and
// formatting. Everything here talks to 127.0.0.1 only.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createConfigSchema } from '../src-main/core/config/config-schema.js';
import { startNode, type RunningNode } from '../src-main/core/node/shoal-node.js';

/** One row of the results table. */
export interface Figure {
  figure: string;
  shoal: string;
  reference: string;
  ratio: string;
  aim: string;
  /** undefined: informational row, no aim to meet. */
  met?: boolean;
  note?: string;
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

// ---- the run's temp folder and cleanup ------------------------------------------------------

let runRoot: string | undefined;
const children = new Set<ChildProcess>();

/** The run's own folder under os.tmpdir(); created on first use, removed when the process exits. */
export function benchRoot(): string {
  runRoot ??= mkdtempSync(join(tmpdir(), 'shoal-bench-'));
  return runRoot;
}

/** A fresh, empty sub-folder of the run's folder. */
export function tempDir(name: string): string {
  const path = join(benchRoot(), name);
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  return path;
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** Stops every child still running and deletes the run's folder. Synchronous: safe in 'exit'. */
export function cleanUp(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  runRoot = undefined;
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

// ---- processes ------------------------------------------------------------------------------

/** The repository's root (the folder holding package.json), from out/bench/ or bench/. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the bench folder');
    dir = parent;
  }
  return dir;
})();

/** Starts a process that cleanUp() will kill if it is still running. */
export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion; rejects on a non-zero exit or after timeoutMs. */
export function run(command: string, args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; allowFailure?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = startProcess(command, args, options.env ? { env: options.env } : {});
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr, ms: performance.now() - started };
      if (code !== 0 && !options.allowFailure) reject(new Error(`${command} ${args.slice(0, 3).join(' ')}… exited ${code}: ${stderr.trim().slice(0, 500)}`));
      else resolve(result);
    });
  });
}

/** Stops a child with SIGTERM (SIGKILL after graceMs) and waits for it to exit. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function commandExists(name: string): Promise<string | undefined> {
  const result = await run('sh', ['-c', `command -v ${name}`], { allowFailure: true, timeoutMs: 5000 });
  const path = result.stdout.trim();
  return result.code === 0 && path ? path : undefined;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Environment for a child node: the caller's, minus anything that would configure Shoal. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('SHOAL_') || key === 'PORT' || key === 'DEBUG') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

// ---- data sets ------------------------------------------------------------------------------

const randomChunk = Buffer.allocUnsafeSlow(8 * MiB);

/** Writes `size` random bytes to `path` (unique content, so every file is its own file id). */
export function writeRandomFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  try {
    let left = size;
    while (left > 0) {
      const n = Math.min(left, randomChunk.length);
      randomFillSync(randomChunk, 0, n);
      writeSync(fd, randomChunk, 0, n);
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * `count` tiny files spread over `folders` folders, each with distinct content. Returns the paths.
 * Synchronous writes: for tiny files they beat any amount of promise concurrency.
 */
export function writeTinyFiles(root: string, count: number, folders: number): string[] {
  const paths: string[] = [];
  for (let f = 0; f < folders; f++) mkdirSync(join(root, `d${String(f).padStart(4, '0')}`), { recursive: true });
  for (let i = 0; i < count; i++) {
    const path = join(root, `d${String(i % folders).padStart(4, '0')}`, `f${String(i).padStart(6, '0')}.txt`);
    writeFileSync(path, `shoal bench file ${i} ${Math.random().toString(36).slice(2)}\n`);
    paths.push(path);
  }
  return paths;
}

/** Flushes dirty pages so background writeback does not compete with a measurement. */
export async function syncDisks(): Promise<void> {
  await run('sync', [], { timeoutMs: 120_000, allowFailure: true });
}

/**
 * Writes and deletes `bytes` of scratch file in `dir`, so that the memory a measurement is about
 * to take comes from pages the machine used a moment ago. On a VM whose balloon has free page
 * reporting (this one: virtio_balloon, `/sys/module/page_reporting`), memory left free for a
 * couple of seconds is handed back to the host, and the guest's first write to it faults on the
 * host: writing 512 MiB into fresh page cache took 0.52-0.65 s of system time after a 5 s pause
 * and 0.07-0.09 s right after such a scratch file (`dd`, three pairs). Which downloader met which
 * kind of memory depended on the timing of the runs before, not on the downloader; a real machine
 * always has the fast kind. Every contender of a measurement gets the same call right before it.
 */
export function recycleFreeMemory(dir: string, bytes: number): void {
  const file = join(dir, `recycle-${process.pid}.tmp`);
  const chunk = Buffer.alloc(MiB);
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

// ---- an in-process node ---------------------------------------------------------------------

/** Whether this build's config knows `peer.<key>` (the schema is strict: unknown keys are errors). */
function knowsPeerSetting(key: string, value: unknown): boolean {
  const defaults = { dataDirectory: '/nonexistent', sharedDirectory: '/nonexistent', downloadDirectory: '/nonexistent', name: 'probe' };
  return createConfigSchema(defaults).safeParse({ peer: { [key]: value } }).success;
}

/**
 * Peer settings that keep a bench node to itself: no index registration, no LAN discovery
 * (only those this build knows, so the bench runs against older and newer nodes alike).
 */
export const QUIET_PEER_SETTINGS: Record<string, boolean> = Object.fromEntries(
  (['auto_register', 'lan_discovery'] as const).filter((key) => knowsPeerSetting(key, false)).map((key) => [key, false]),
);

/** The same settings as SHOAL_PEER_* variables, for a `shoal serve` process. */
export function quietPeerEnv(): Record<string, string> {
  return Object.fromEntries(Object.keys(QUIET_PEER_SETTINGS).map((key) => [`SHOAL_PEER_${key.toUpperCase()}`, 'false']));
}

/** Starts a real node (SQLite, worker pool, watcher, HTTP on 127.0.0.1) sharing `sharedDir`. */
export async function startBenchNode(options: { sharedDir: string; dataDir: string; hashWorkers?: number }): Promise<RunningNode> {
  const config = createConfigSchema({
    dataDirectory: options.dataDir,
    sharedDirectory: options.sharedDir,
    downloadDirectory: join(dirname(options.dataDir), 'downloads'),
    name: 'bench-node',
  }).parse({
    data_directory: options.dataDir,
    peer: { port: 0, host: '127.0.0.1', shared_directory: options.sharedDir, ...QUIET_PEER_SETTINGS },
  });
  return startNode({
    config,
    logger: pino({ level: 'silent' }),
    ...(options.hashWorkers === undefined ? {} : { hashWorkers: options.hashWorkers }),
  });
}

// ---- timing and formatting ------------------------------------------------------------------

export function seconds(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

/** Decimal megabytes per second, as openssl and curl report them. */
export function mbps(bytes: number, ms: number): string {
  return `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Prints progress to stderr so stdout holds only the table. */
export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// The same poll-until the tests use.
export { pollUntil } from '../test/support/poll.js';

function cpuTimes(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/**
 * How busy the whole machine is (0–1) over `ms` while this process sits idle: other people's
 * work on a shared machine skews every figure, so the table reports it.
 */
export async function machineLoad(ms = 1000): Promise<number> {
  try {
    const a = cpuTimes();
    await sleep(ms);
    const b = cpuTimes();
    return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
  } catch {
    return 0; // not Linux
  }
}

/**
 * Waits (up to maxWaitMs) for the machine to be quiet: below `threshold` busy over one second.
 * Returns the last reading. On a shared machine this keeps other people's builds out of a figure.
 */
export async function waitForQuiet(maxWaitMs = 90_000, threshold = 0.15): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let load = await machineLoad();
  while (load >= threshold && Date.now() < deadline) load = await machineLoad();
  return load;
}

/** The p-th percentile (nearest rank) of values sorted ascending; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}
