// A real `shoal serve` in its own process (bin/shoal.js, the installed entry point), on loopback
// with a free port, as a user would run it. Its address is read from what it prints on stdout.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { NodeStats } from '../src-shared/api/node.js';
import { cleanEnv, pollUntil, quietPeerEnv, repoRoot, startProcess, stopProcess } from './support.js';

export interface HeadlessNode {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** The control token, from the address it prints. */
  token: string;
  stats(): Promise<NodeStats>;
  /** Resolves once the rescan is done, nothing is queued or hashing, and `files` distinct contents are known. */
  whenIdle(files: number, timeoutMs: number): Promise<NodeStats>;
  stop(): Promise<void>;
}

/** `env`: extra SHOAL_* settings for this node. */
export async function startHeadlessNode(options: { sharedDir: string; dataDir: string; env?: Record<string, string> }): Promise<HeadlessNode> {
  const child = startProcess(process.execPath, [
    join(repoRoot, 'bin', 'shoal.js'), 'serve',
    '--port', '0', '--host', '127.0.0.1', '--data', options.dataDir, '--shared', options.sharedDir,
  ], { env: cleanEnv({ SHOAL_LOGGING_LEVEL: 'warn', ...quietPeerEnv(), ...options.env }), cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`shoal serve exited (${code}) before it was ready: ${stderr.trim().slice(0, 800)}`))),
  );
  exited.catch(() => undefined);
  const printed = await Promise.race([
    exited,
    pollUntil(async () => {
      const match = /Open the app: (\S+)/.exec(stdout);
      return match?.[1] ? new URL(match[1]) : undefined;
    }, 'shoal serve to print its address', 30_000, 20),
  ]);
  const url = printed.origin;
  const token = printed.searchParams.get('token') ?? '';
  const pid = child.pid;
  if (pid === undefined) throw new Error('shoal serve has no pid');

  const stats = async (): Promise<NodeStats> => {
    const res = await fetch(`${url}/api/v1/stats`);
    if (!res.ok) throw new Error(`GET /api/v1/stats: ${res.status}`);
    return (await res.json()) as NodeStats;
  };
  return {
    child, pid, url, token, stats,
    whenIdle: (files, timeoutMs) =>
      pollUntil(async () => {
        const s = await stats();
        const h = s.hashing;
        return !h.scanning && h.queuedFiles === 0 && h.activeFiles === 0 && s.files === files ? s : undefined;
      }, `the node to index ${files} files`, timeoutMs, 200),
    stop: () => stopProcess(child),
  };
}
