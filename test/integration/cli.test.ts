// The installed `shoal` command, run as users run it: `node bin/shoal.js …` on the built output
// (npm test builds before vitest runs).
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { fileIdOf } from '../support/reference-tree.js';
import { runShoal, type ShoalRun } from '../support/shoal-cli.js';
import { sha256 } from '../support/sha256.js';
import { typedClient } from '../support/typed-client.js';

const root = path.resolve(import.meta.dirname, '../..');
const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

let tmp: string;
const running: ChildProcess[] = [];

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-cli-'));
});

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

function shoal(args: string[], env: NodeJS.ProcessEnv = {}): ShoalRun {
  const run = runShoal(args, tmp, env);
  running.push(run.child);
  return run;
}

/** Polls until `read` returns a value, or fails with what the process said so far. */
async function waitFor<T>(read: () => T | undefined, run: ShoalRun, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${what}; exit ${run.child.exitCode}\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('shoal (the command line)', () => {
  it('--version prints the package version', async () => {
    const run = shoal(['--version']);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout().trim()).toBe(version);
  });

  it('npx shoal runs this checkout\u2019s command (README: "npx shoal" from a checkout)', async () => {
    const child = spawn('npx', ['--no-install', 'shoal', '--version'], {
      cwd: root, env: { PATH: process.env['PATH'], HOME: tmp, npm_config_cache: path.join(tmp, 'npm-cache') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('--help lists the serve command', async () => {
    const run = shoal(['--help']);
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).toMatch(/Usage: shoal/);
    expect(run.stdout()).toMatch(/^\s+serve\b/m);
  });

  it('an unknown command or flag is an error', async () => {
    const command = shoal(['frobnicate']);
    expect((await command.exited).code).not.toBe(0);
    expect(command.stderr()).toContain("unknown command 'frobnicate'");

    const flag = shoal(['serve', '--no-such-flag']);
    expect((await flag.exited).code).not.toBe(0);
    expect(flag.stderr()).toContain("unknown option '--no-such-flag'");
  });

  it('hash prints each file\'s id (its tree root) like sha256sum, with --sha256 the plain digest too', async () => {
    const big = crypto.randomBytes(300_000); // two pieces: the id is not the plain SHA-256
    fs.writeFileSync(path.join(tmp, 'big.bin'), big);
    fs.writeFileSync(path.join(tmp, 'abc.txt'), 'abc');
    const run = shoal(['hash', 'big.bin', 'abc.txt', '--sha256']);
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).toBe(`${fileIdOf(big)}  ${sha256(big)}  big.bin\n${sha256('abc')}  ${sha256('abc')}  abc.txt\n`);

    const missing = shoal(['hash', 'abc.txt', 'nope.txt']);
    expect((await missing.exited).code).toBe(1);
    expect(missing.stdout()).toBe(`${sha256('abc')}  abc.txt\n`);
    expect(missing.stderr()).toBe('shoal: nope.txt: no such file\n');
  });

  it('serve with an invalid config file exits 2, naming the key', async () => {
    const file = path.join(tmp, 'config.yaml');
    fs.writeFileSync(file, 'peer:\n  port: 70000\n  sharred_directory: x\n');
    const run = shoal(['serve', '--config', file]);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toContain('shoal: invalid configuration:');
    expect(run.stderr()).toContain('peer.port: expected a port number from 0 to 65535');
    expect(run.stderr()).toContain('peer.sharred_directory: unknown key (did you mean "shared_directory"?)');
  });

  it('serve with a bad environment value or flag exits 2, naming its source', async () => {
    const run = shoal(['serve', '--data', tmp, '--port', 'ninety'], { SHOAL_LOGGING_LEVEL: 'chatty' });
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toContain('(from --port)');
    expect(run.stderr()).toContain('logging.level: expected one of');
    expect(run.stderr()).toContain('(from SHOAL_LOGGING_LEVEL)');
  });

  it('serve prints the control URL, answers on it, and stops on SIGTERM with code 0 within its grace', async () => {
    const data = path.join(tmp, 'data');
    const shared = path.join(tmp, 'shared');
    fs.mkdirSync(shared);
    const run = shoal(['serve', '--port', '0', '--host', '127.0.0.1', '--data', data, '--shared', shared], {
      SHOAL_LOGGING_OUTPUT: 'stderr',
    });

    const controlUrl = await waitFor(() => /^Open the app: (\S+)$/m.exec(run.stdout())?.[1], run, 'control URL');
    expect(run.stdout()).toContain(`Shoal is sharing ${shared}`);
    expect(new URL(controlUrl).searchParams.get('token')).toMatch(/\S/);

    const info = await typedClient(peerRoutes, new URL(controlUrl).origin).getInfo();
    expect(info).toMatchObject({ apiVersion: 'v1', version, port: Number(new URL(controlUrl).port) });

    // Stopping within the grace is what exit code 0 proves: past its 2 s grace the command exits 1
    // ('stopping took longer', stop-on-signals.ts, unit-tested with fake timers). The wall clock
    // here also counts the signal's delivery, the process's teardown and this side's event loop, so
    // on a loaded machine it only bounds a process that lingers after stopping (a timer or socket
    // left open), with room for scheduling.
    const stoppingAt = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toMatch(/Shoal stopped\.\n/);
    expect(run.stderr()).not.toContain('stopping took longer');
    expect(Date.now() - stoppingAt).toBeLessThan(10_000);
  });

  it('serve prints a summary (link, ports, folders) before its JSON log, and a line on Ctrl-C', async () => {
    const data = path.join(tmp, 'data');
    const shared = path.join(tmp, 'shared');
    fs.mkdirSync(shared);
    const run = shoal(['serve', '--port', '0', '--host', '127.0.0.1', '--data', data, '--shared', shared, '--index', '--index-port', '0']);
    await waitFor(() => (/Press Ctrl-C to stop\.\n[\s\S]*"msg"/.test(run.stdout()) ? true : undefined), run, 'summary then log lines');
    const [summary, log] = run.stdout().split('Press Ctrl-C to stop.\n');
    expect(summary).toMatch(/^Shoal is sharing /);
    expect(summary).toMatch(/^Open the app: http:\/\/127\.0\.0\.1:(\d+)\/\?token=/m);
    const port = /:(\d+)\/\?token/.exec(summary ?? '')?.[1];
    expect(summary).toContain(`  peer port    ${port} (listening on 127.0.0.1)`);
    expect(summary).toMatch(/ {2}index port {3}\d+ \(this node is an index server too\)/);
    expect(summary).toContain('  dht          off (dht.enabled or Settings \u2192 "Find and offer sources without an index server" turns it on)');
    expect(summary).toContain(`  data         ${data}`);
    expect(summary).not.toContain('{"level"');
    expect(log).toMatch(/^\{"level"/);

    run.child.kill('SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toContain('Stopping Shoal\u2026');
    expect(run.stdout()).toMatch(/Shoal stopped\.\n/);
  });

  it('serve on a busy peer port says so in a sentence, like a busy index port', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const run = shoal(['serve', '--port', String(port), '--host', '127.0.0.1', '--data', path.join(tmp, 'data'), '--shared', tmp], { SHOAL_LOGGING_OUTPUT: 'stderr' });
      expect((await run.exited).code).toBe(1);
      expect(run.stderr()).toContain(`shoal: could not start: The peer port ${port} is already in use by another program`);
      expect(run.stderr()).not.toContain('EADDRINUSE');
    } finally {
      busy.close();
    }
  });
});
