// `npm start` (scripts/start.mjs) on a machine that cannot fetch Electron: one sentence, then the
// headless node, and no rebuild when out/ is already built from these sources (npm test builds
// before vitest runs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFingerprint, markBuilt } from '../../scripts/build-freshness.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const electronInstalled = fs.existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
let tmp: string | undefined;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm start', () => {
  it.skipIf(electronInstalled)('offline, says so in one sentence and runs the headless node, without rebuilding', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-start-'));
    markBuilt(root, buildFingerprint(root));
    const stamp = path.join(root, 'out', '.build-fingerprint');
    const stampedAt = fs.statSync(stamp).mtimeMs;
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--port', '0', '--host', '127.0.0.1', '--data', path.join(tmp, 'data'), '--shared', tmp], {
      cwd: root,
      // A private HOME (no cached runtime) and a mirror that refuses: the fetch fails as offline.
      env: { PATH: process.env['PATH'], HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, 'xdg'), ELECTRON_MIRROR: 'http://127.0.0.1:1/', SHOAL_LOGGING_OUTPUT: 'stderr' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 45_000;
    while (!/^Open the app: /m.test(stdout) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(stdout, stderr).toMatch(/^Open the app: http:\/\/127\.0\.0\.1:\d+\/\?token=/m);
    expect(stderr).toContain('Shoal: the desktop window needs the Electron runtime, which could not be fetched (no network');
    expect(stderr).toContain('starting the headless node instead');
    expect(stderr).not.toContain('fetch failed');
    expect(stderr).not.toMatch(/^\s+at /m); // no stack
    expect(fs.statSync(stamp).mtimeMs).toBe(stampedAt); // nothing was rebuilt

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
