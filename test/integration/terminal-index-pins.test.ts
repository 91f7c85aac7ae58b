// The terminal commands keep index server pins in their state folder (issue 14), as a node keeps
// them across restarts: real processes (`node bin/shoal.js`, the built output) against real index
// servers. `shoal get` pins the index it used; once another node answers on that port, a second
// `shoal get` (and `shoal search`) is refused with the mismatch and the command that trusts the new
// one; after `shoal forget-index` the new index is used and pinned.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { randomContent } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { runShoal } from '../support/shoal-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const FILE = randomContent(200_000);
const NAME = 'Harbour-Survey.pdf';
let work: { path: string; remove(): Promise<void> };
let port: number;
let address: string;
const nodes: TestNode[] = [];

/** A run to its end: its exit code and everything it wrote. */
async function shoal(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runShoal(args, work.path);
  const code = await run.code;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

const startIndex = (at = 0) => startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: at, heartbeat_interval: '300ms' } });

/** A peer of the index at `address` sharing the file, once the index lists it. */
async function sharingPeer(): Promise<TestNode> {
  const peer = await startTestNode({ peer: { super_peer_address: [address] } });
  nodes.push(peer);
  await writeFile(join(peer.sharedDir, NAME), FILE.data);
  await pollUntil(() => typedClient(indexRoutes, address).getFile({ params: { fileId: FILE.id } }).then((f) => f.sourceCount === 1), 'the file listed at the index', 20_000);
  return peer;
}

beforeAll(async () => {
  work = await makeTempDir();
  const first = await startIndex();
  nodes.push(first);
  port = (await first.client.getIndexRole()).port as number;
  address = `127.0.0.1:${port}`;
  await sharingPeer();
}, 40_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.destroy()));
  await work.remove();
});

describe('the terminal commands\u2019 index pins', () => {
  it('a second command refuses another node at the index\u2019s address, says how to trust it, and trusts it after shoal forget-index', async () => {
    const first = nodes[0] as TestNode;
    const got = await shoal(['get', FILE.id, '--index', address, '--data', 'state', '-o', 'one']);
    expect(got.code, got.stderr).toBe(0);
    expect(await readFile(join(work.path, 'one', NAME))).toEqual(FILE.data);
    const searched = await shoal(['search', 'harbour', '--index', address]);
    expect(searched.code, searched.stderr).toBe(0);
    expect(searched.stdout).toContain(NAME);

    // The index is replaced by another node (another key) on the same port, with the file again.
    await Promise.all(nodes.splice(0).map((n) => n.destroy()));
    const second = await startIndex(port);
    nodes.push(second);
    await sharingPeer();

    const refused = await shoal(['get', FILE.id, '--index', address, '--data', 'state', '-o', 'two']);
    expect(refused.code, refused.stderr + refused.stdout).toBe(1);
    expect(refused.stderr).toMatch(/the index server 127\.0\.0\.1:\d+ \(pinned on first use\) is not the node expected: expected .*but it presented/);
    expect(refused.stderr).toContain(first.id);
    expect(refused.stderr).toContain(second.id);
    expect(refused.stderr).toContain(`trust its new id with: shoal forget-index ${address} --data state`);
    await expect(readdir(join(work.path, 'two'))).rejects.toMatchObject({ code: 'ENOENT' });
    const searchRefused = await shoal(['search', 'harbour', '--index', address]);
    expect(searchRefused.code).toBe(1);
    expect(searchRefused.stderr).toContain(`trust its new id with: shoal forget-index ${address}\n`);
    expect(searchRefused.stdout).not.toContain(NAME);
    // An id given with the address is changed there, not forgotten.
    const given = await shoal(['search', 'harbour', '--index', `${address}#${first.id}`]);
    expect(given.code).toBe(1);
    expect(given.stderr).toMatch(/its id given in this node.s configuration\) is not the node expected[\s\S]*give its new id there/);

    const forgot = await shoal(['forget-index', address, '--data', 'state']);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stdout).toContain(`Forgot the id ${first.id} kept for ${address}`);
    const again = await shoal(['forget-index', address, '--data', 'state']);
    expect(again.stdout).toContain(`No id is kept for ${address}`);

    const trusted = await shoal(['get', FILE.id, '--index', address, '--data', 'state', '-o', 'two']);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(await readFile(join(work.path, 'two', NAME))).toEqual(FILE.data);
    // The default state folder (search's) still holds the old pin until it is forgotten there too.
    expect((await shoal(['search', 'harbour', '--index', address])).code).toBe(1);
    expect((await shoal(['forget-index', address])).code).toBe(0);
    const found = await shoal(['search', 'harbour', '--index', address]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain(NAME);
  }, 90_000);
});
