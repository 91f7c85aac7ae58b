// `shoal search` and `shoal get` as users run them (`node bin/shoal.js …`, the built output)
// against a real index server and real peers.
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src-shared/api/index-routes.js';
import { bytesSent, randomContent } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const bin = resolve(import.meta.dirname, '../../bin/shoal.js');
const MiB = 1024 * 1024;
const FILE = randomContent(6 * MiB);
let index: TestNode;
let indexAddress: string;
const peers: TestNode[] = [];
let work: { path: string; remove(): Promise<void> };

interface Run {
  code: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

function shoal(args: string[]): Run {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: work.path,
    env: { PATH: process.env['PATH'], HOME: work.path, XDG_CONFIG_HOME: join(work.path, 'xdg') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    code: new Promise((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 128 : null)))),
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
  };
}

beforeAll(async () => {
  work = await makeTempDir();
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true } });
  indexAddress = `127.0.0.1:${(await index.json<{ port: number }>('/api/v1/settings/index-role')).port}`;
  for (let i = 0; i < 2; i++) {
    const peer = await startTestNode({ peer: { super_peer_address: [indexAddress] } });
    await writeFile(join(peer.sharedDir, 'Ocean-Documentary.2026.mkv'), FILE.data);
    peers.push(peer);
  }
  await pollUntil(async () => {
    const res = await fetch(`http://${indexAddress}/api/v1/files/${FILE.id}`);
    return res.ok && ((await res.json()) as SearchResult).sourceCount === 2;
  }, 'two sources at the index', 20_000);
}, 40_000);

afterAll(async () => {
  await Promise.all([...peers, index].map((n) => n.destroy()));
  await work.remove();
});

describe('the terminal client', () => {
  it('searches and prints a table with the file id', async () => {
    const run = shoal(['search', 'ocean', 'documentary', '--index', indexAddress]);
    expect(await run.code).toBe(0);
    expect(run.stdout()).toContain('Ocean-Documentary.2026.mkv');
    expect(run.stdout()).toContain(FILE.id);
    expect(run.stdout()).toMatch(/6\.0 MiB/);
    const none = shoal(['search', 'nothing-like-this', '--index', indexAddress]);
    expect(await none.code).toBe(0);
    expect(none.stdout()).toContain('No files found');
  });

  it('gets a file, verified, and says where it is', async () => {
    const out = join(work.path, 'out-full');
    const run = shoal(['get', FILE.id, '--index', indexAddress, '-o', out, '--data', join(work.path, 'state-full')]);
    expect(await run.code, run.stderr()).toBe(0);
    expect(run.stdout().trim()).toBe(join(out, 'Ocean-Documentary.2026.mkv'));
    expect(run.stderr()).toContain('every piece verified against the id');
    expect((await readFile(join(out, 'Ocean-Documentary.2026.mkv'))).equals(FILE.data)).toBe(true);
  });

  it('leaves a partial file on Ctrl-C that the next run goes on with', async () => {
    for (const peer of peers) {
      await peer.api('/api/v1/settings/transfers', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ maxUploadRate: MiB }) });
    }
    const out = join(work.path, 'out-resume');
    const args = ['get', FILE.id, '--index', indexAddress, '-o', out, '--data', join(work.path, 'state-resume')];
    const first = shoal(args);
    await pollUntil(async () => (await Promise.all(peers.map(bytesSent))).reduce((a, b) => a + b, 0) > 6 * MiB + 3 * MiB, 'half of the file to be served', 15_000);
    first.kill('SIGINT');
    expect(await first.code).toBe(130);
    expect(first.stderr()).toMatch(/Run the same command again/);
    expect((await readdir(out)).some((n) => n.endsWith('.shoal-partial'))).toBe(true);
    const servedBefore = (await Promise.all(peers.map(bytesSent))).reduce((a, b) => a + b, 0);

    for (const peer of peers) {
      await peer.api('/api/v1/settings/transfers', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ maxUploadRate: 0 }) });
    }
    const second = shoal(args);
    expect(await second.code, second.stderr()).toBe(0);
    expect((await readFile(join(out, 'Ocean-Documentary.2026.mkv'))).equals(FILE.data)).toBe(true);
    expect(await readdir(out)).toEqual(['Ocean-Documentary.2026.mkv']);
    const servedAfter = (await Promise.all(peers.map(bytesSent))).reduce((a, b) => a + b, 0);
    // About half was verified before Ctrl-C: the second run fetched little more than the rest.
    expect(servedAfter - servedBefore).toBeLessThan(FILE.data.length - 1.5 * MiB);
  }, 40_000);

  it('fails clearly: a bad id, an unknown file, no index', async () => {
    const bad = shoal(['get', 'not-an-id', '--index', indexAddress]);
    expect(await bad.code).toBe(2);
    expect(bad.stderr()).toMatch(/64 lowercase hex/);
    const unknown = shoal(['get', randomContent(5).id, '--index', indexAddress, '-o', join(work.path, 'none')]);
    expect(await unknown.code).toBe(1);
    expect(unknown.stderr()).toMatch(/does not know this file/);
    const noIndex = shoal(['search', 'x', '--index', '127.0.0.1:1']);
    expect(await noIndex.code).toBe(1);
    expect(noIndex.stderr()).toMatch(/no index server answered/);
  });
});
