// `node bin/shoal.js …` as users run it (the built output), in `cwd`, with a private HOME and XDG
// folder there: a test never reads or writes the real user's settings.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const bin = resolve(import.meta.dirname, '../../bin/shoal.js');

export interface ShoalRun {
  child: ChildProcess;
  /** How the process ended, once it and its output have. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The exit code once the process and its output have ended (128 for a signal). */
  code: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/**
 * `env`: more variables, beside PATH and the private HOME and XDG folder. `command`: another
 * copy of bin/shoal.js (an installed layout a test made); the checkout's by default.
 */
export function runShoal(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, command = bin): ShoalRun {
  const child = spawn(process.execPath, [command, ...args], {
    cwd,
    env: { PATH: process.env['PATH'], HOME: cwd, XDG_CONFIG_HOME: join(cwd, 'xdg'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
  return {
    child,
    exited,
    code: exited.then(({ code, signal }) => code ?? (signal ? 128 : null)),
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
