// bin/shoal.js keeps the code V8 compiled for each command beside the bundle (out/cli/), and uses
// it on the next run. Run here on a copy of the installed layout in a temporary folder (its own
// out/cli/, the rest of out/ and node_modules linked), so other test files' commands, which share
// the checkout's out/cli/, never touch the caches this file looks at.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { pollUntil } from '../support/poll.js';
import { fileIdOf } from '../support/reference-tree.js';
import { runShoal } from '../support/shoal-cli.js';
import { typedClient } from '../support/typed-client.js';

const root = path.resolve(import.meta.dirname, '../..');
let install: string;
let work: string;

beforeAll(() => {
  install = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-install-'));
  work = path.join(install, 'work');
  fs.mkdirSync(work);
  fs.mkdirSync(path.join(install, 'bin'));
  fs.copyFileSync(path.join(root, 'bin', 'shoal.js'), path.join(install, 'bin', 'shoal.js'));
  fs.copyFileSync(path.join(root, 'package.json'), path.join(install, 'package.json'));
  fs.mkdirSync(path.join(install, 'out', 'cli'), { recursive: true });
  fs.copyFileSync(path.join(root, 'out', 'cli', 'shoal.cjs'), path.join(install, 'out', 'cli', 'shoal.cjs'));
  for (const entry of fs.readdirSync(path.join(root, 'out'))) {
    if (entry !== 'cli') fs.symlinkSync(path.join(root, 'out', entry), path.join(install, 'out', entry));
  }
  for (const entry of ['node_modules', 'native']) fs.symlinkSync(path.join(root, entry), path.join(install, entry));
});

afterAll(() => {
  fs.rmSync(install, { recursive: true, force: true });
});

const cacheOf = (command: string) => path.join(install, 'out', 'cli', `shoal.cjs.${command}.v8-cache`);

const shoal = (args: string[]) => runShoal(args, work, {}, path.join(install, 'bin', 'shoal.js'));

describe('the shoal command\'s compiled-code cache', () => {
  it('is written after a command\'s first run, used as it is by the next, and written again when V8 refuses it', async () => {
    const file = path.join(work, 'notes.txt');
    fs.writeFileSync(file, 'hello shoal');
    const expected = `${fileIdOf('hello shoal')}  ${file}\n`;
    const hash = async () => {
      const run = shoal(['hash', file]);
      expect(await run.code, run.stderr()).toBe(0);
      expect(run.stdout()).toBe(expected);
    };

    expect(fs.existsSync(cacheOf('hash'))).toBe(false);
    await hash();
    const written = fs.readFileSync(cacheOf('hash'));
    expect(written.length).toBeGreaterThan(10_000);

    await hash();
    expect(fs.readFileSync(cacheOf('hash')).equals(written)).toBe(true); // accepted: left as it was

    fs.writeFileSync(cacheOf('hash'), 'not what V8 wrote');
    await hash();
    expect(fs.readFileSync(cacheOf('hash')).length).toBeGreaterThan(10_000);
    expect(fs.readdirSync(path.join(install, 'out', 'cli')).filter((f) => /\.\d+$/.test(f))).toEqual([]); // no partial file left
  });

  it('a run from the cache still loads ES-only packages: serve sniffs a picture named as text with file-type', async () => {
    const shared = path.join(work, 'shared');
    fs.mkdirSync(shared);
    fs.writeFileSync(path.join(shared, 'scan.txt'), Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'));
    const serveOnce = async () => {
      fs.rmSync(path.join(work, 'data'), { recursive: true, force: true });
      const run = shoal(['serve', '--port', '0', '--host', '127.0.0.1', '--data', path.join(work, 'data'), '--shared', shared]);
      const origin = await pollUntil(async () => {
        if (run.child.exitCode !== null) throw new Error(`serve exited ${run.child.exitCode}: ${run.stderr()}`);
        const url = /^Open the app: (\S+)$/m.exec(run.stdout())?.[1];
        return url && new URL(url).origin;
      }, 'the control URL');
      const listed = await pollUntil(async () => (await typedClient(peerRoutes, origin).listFiles()).items.find((f) => f.name === 'scan.txt'), 'scan.txt listed');
      run.child.kill('SIGTERM');
      expect(await run.code).toBe(0);
      expect(run.stdout()).not.toContain('dynamic import');
      return listed;
    };

    expect(await serveOnce()).toMatchObject({ mime: 'image/png', category: 'image' });
    const written = fs.readFileSync(cacheOf('serve'));
    expect(await serveOnce()).toMatchObject({ mime: 'image/png', category: 'image' });
    expect(fs.readFileSync(cacheOf('serve')).equals(written)).toBe(true);
  });
});
