// `shoal search`, `shoal get` and `shoal torrent` as users run them (`node bin/shoal.js …`, the built output)
// against a real index server and real peers.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTorrent } from '../../src-main/core/torrent/torrent-check.js';
import { indexRoutes, type SearchResult } from '../../src-shared/api/index-routes.js';
import { bytesSent, randomContent } from '../support/downloads.js';
import { pollUntil } from '../support/poll.js';
import { runShoal, type ShoalRun } from '../support/shoal-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const MiB = 1024 * 1024;
const FILE = randomContent(6 * MiB);
let index: TestNode;
let indexAddress: string;
/** The index as its local user (the token), whom its refusal of plain HTTP does not concern. */
const asLocalUser = () => typedClient(indexRoutes, indexAddress, index.token);
const peers: TestNode[] = [];
let work: { path: string; remove(): Promise<void> };

const shoal = (args: string[]): ShoalRun => runShoal(args, work.path);

beforeAll(async () => {
  work = await makeTempDir();
  // An index that refuses plain HTTP to strangers: the terminal asks it over TLS, with its own key.
  index = await startTestNode({ peer: { share: false }, superPeer: { enabled: true }, security: { allow_plain_http: false } });
  indexAddress = `127.0.0.1:${(await index.client.getIndexRole()).port}`;
  for (let i = 0; i < 2; i++) {
    const peer = await startTestNode({ peer: { super_peer_address: [indexAddress] } });
    await writeFile(join(peer.sharedDir, 'Ocean-Documentary.2026.mkv'), FILE.data);
    peers.push(peer);
  }
  // Not listed yet is a 404: keep asking.
  await pollUntil(() => asLocalUser().getFile({ params: { fileId: FILE.id } }).then((f) => f.sourceCount === 2), 'two sources at the index', 20_000);
}, 40_000);

afterAll(async () => {
  await Promise.all([...peers, index].map((n) => n.destroy()));
  await work.remove();
});

// Every test starts the CLI (a new Node process, loading the download code) one to five times:
// a few seconds each on a loaded machine, where the 30 s default came within a few seconds.
describe('the terminal client', { timeout: 60_000 }, () => {
  it('searches and prints a table with the file id', async () => {
    const run = shoal(['search', 'ocean', 'documentary', '--index', indexAddress]);
    expect(await run.code).toBe(0);
    expect(run.stdout()).toContain('Ocean-Documentary.2026.mkv');
    expect(run.stdout()).toContain(FILE.id.slice(0, 16)); // a prefix `shoal get` takes; --json has whole ids
    expect(run.stdout()).toMatch(/6\.0 MiB/);
    // 80 columns, one line a result: no rule under every row.
    for (const line of run.stdout().split('\n')) expect([...line].length, line).toBeLessThan(80);
    expect(run.stdout()).not.toMatch(/[─┼├]/);
    const none = shoal(['search', 'nothing-like-this', '--index', indexAddress]);
    expect(await none.code).toBe(0);
    expect(none.stdout()).toContain('No files found');
  });

  it('filters a search by extension, size and category', async () => {
    const hits = async (...filters: string[]) => {
      const run = shoal(['search', 'ocean', '--index', indexAddress, '--json', ...filters]);
      expect(await run.code, run.stderr()).toBe(0);
      return (JSON.parse(run.stdout()) as SearchResult[]).map((r) => r.id);
    };
    expect(await hits('--ext', '.mkv', '--min-size', '5MiB', '--max-size', '7MB', '--category', 'video')).toEqual([FILE.id]);
    expect(await hits('--ext', 'mp3')).toEqual([]);
    expect(await hits('--min-size', '7MiB')).toEqual([]);
    expect(await hits('--max-size', '1MB')).toEqual([]);
    const bad = shoal(['search', 'ocean', '--index', indexAddress, '--min-size', 'huge']);
    expect(await bad.code).toBe(2);
    expect(bad.stderr()).toMatch(/minSize/);
  });

  it('says an --index that is a peer\u2019s port is a peer, not an index server', async () => {
    const peerAddress = `127.0.0.1:${peers[0]!.port}`;
    for (const args of [['search', 'ocean'], ['get', FILE.id, '--data', join(work.path, 'state-peer')]]) {
      const run = shoal([...args, '--index', peerAddress]);
      expect(await run.code).toBe(1);
      expect(run.stderr()).toContain(`${peerAddress}: that is a peer, not an index server`);
    }
  });

  it('takes a unique prefix of a file id, and lists the candidates of an ambiguous one', async () => {
    const out = join(work.path, 'out-prefix');
    const run = shoal(['get', FILE.id.slice(0, 10).toUpperCase(), '--index', indexAddress, '-o', out, '--data', join(work.path, 'state-prefix')]);
    expect(await run.code, run.stderr()).toBe(0);
    expect((await readFile(join(out, 'Ocean-Documentary.2026.mkv'))).equals(FILE.data)).toBe(true);

    // Two small files whose ids share their first 4 hex digits (a birthday search, a few hundred tries).
    const seen = new Map<string, { data: Buffer; id: string }>();
    let pair: [{ data: Buffer; id: string }, { data: Buffer; id: string }] | undefined;
    while (!pair) {
      const c = randomContent(8);
      const other = seen.get(c.id.slice(0, 4));
      if (other) pair = [other, c];
      else seen.set(c.id.slice(0, 4), c);
    }
    await writeFile(join(peers[1]!.sharedDir, 'twin-a.bin'), pair[0].data);
    await writeFile(join(peers[1]!.sharedDir, 'twin-b.bin'), pair[1].data);
    const listed = (fileId: string) => asLocalUser().getFile({ params: { fileId } }).then(() => true);
    await pollUntil(async () => (await Promise.all(pair.map((f) => listed(f.id)))).every(Boolean), 'both twins at the index', 20_000);
    const ambiguous = shoal(['get', pair[0].id.slice(0, 4), '--index', indexAddress, '--data', join(work.path, 'state-prefix')]);
    expect(await ambiguous.code).toBe(1);
    expect(ambiguous.stderr()).toMatch(/file ids start with/);
    expect(ambiguous.stderr()).toContain(pair[0].id);
    expect(ambiguous.stderr()).toContain(pair[1].id);
    const none = shoal(['get', 'abcdef0123', '--index', indexAddress, '--data', join(work.path, 'state-prefix')]);
    expect(await none.code).toBe(1);
    expect(none.stderr()).toMatch(/No file id known to the index starts with abcdef0123/);
  });

  it('a second get of a finished file says so and exits 0; --force downloads a second copy', async () => {
    const out = join(work.path, 'out-twice');
    const args = ['get', FILE.id, '--index', indexAddress, '-o', out, '--data', join(work.path, 'state-twice')];
    expect(await shoal(args).code).toBe(0);
    const again = shoal(args);
    expect(await again.code).toBe(0);
    expect(again.stdout().trim()).toBe(join(out, 'Ocean-Documentary.2026.mkv'));
    expect(again.stderr()).toMatch(/already downloaded here/);
    expect(await readdir(out)).toEqual(['Ocean-Documentary.2026.mkv']);
    const forced = shoal([...args, '--force']);
    expect(await forced.code, forced.stderr()).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['Ocean-Documentary.2026 (1).mkv', 'Ocean-Documentary.2026.mkv']);
  });

  it('without --data, says where it keeps its download state', async () => {
    const run = shoal(['get', randomContent(5).id, '--index', indexAddress, '-o', join(work.path, 'none')]);
    expect(await run.code).toBe(1);
    expect(run.stderr()).toContain(`Download state (for resuming after Ctrl-C) is kept in ${join(work.path, 'xdg', 'Shoal', 'terminal')}`);
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
      await peer.client.setTransferSettings({ body: { maxUploadRate: MiB } });
    }
    const out = join(work.path, 'out-resume');
    const args = ['get', FILE.id, '--index', indexAddress, '-o', out, '--data', join(work.path, 'state-resume')];
    // Counted from here: the tests before this one fetched the file too.
    const servedEarlier = (await Promise.all(peers.map(bytesSent))).reduce((a, b) => a + b, 0);
    const first = shoal(args);
    await pollUntil(async () => (await Promise.all(peers.map(bytesSent))).reduce((a, b) => a + b, 0) > servedEarlier + 3 * MiB, 'half of the file to be served', 15_000);
    first.child.kill('SIGINT');
    expect(await first.code).toBe(130);
    expect(first.stderr()).toMatch(/Run the same command again/);
    // What the first run kept ("Stopped at 2.5 MiB verified"): the second must not fetch it again.
    const kept = Number(/Stopped at ([\d.]+) MiB verified/.exec(first.stderr())?.[1] ?? NaN) * MiB;
    expect(kept).toBeGreaterThanOrEqual(MiB);
    expect((await readdir(out)).some((n) => n.endsWith('.shoal-partial'))).toBe(true);
    const servedBefore = (await Promise.all(peers.map(bytesSent))).reduce((a, b) => a + b, 0);

    for (const peer of peers) {
      await peer.client.setTransferSettings({ body: { maxUploadRate: 0 } });
    }
    // The second run gets the rest from one source: the other refuses it (its network filter; the
    // index still lists it). With two, the endgame asks the second for any piece the first is late
    // with, and on a loaded machine most pieces look late: those copies of missing pieces, megabytes
    // of them, counted below as if verified ones were fetched again. (The saved pieces were right.)
    const refusing = peers[1]!;
    await refusing.client.setNetworkSettings({ body: { blockedNetworks: ['127.0.0.0/8'] } });
    try {
      const second = shoal(args);
      expect(await second.code, second.stderr()).toBe(0);
    } finally {
      await refusing.client.setNetworkSettings({ body: { blockedNetworks: [] } });
    }
    expect((await readFile(join(out, 'Ocean-Documentary.2026.mkv'))).equals(FILE.data)).toBe(true);
    expect(await readdir(out)).toEqual(['Ocean-Documentary.2026.mkv']);
    const servedAfter = (await Promise.all(peers.map(bytesSent))).reduce((a, b) => a + b, 0);
    // The second run fetched the rest, never what the first had verified (at least what it printed:
    // pieces still being checked then were saved too); a MiB of room for a range asked again after
    // a dropped connection.
    expect(servedAfter - servedBefore).toBeLessThanOrEqual(FILE.data.length - kept + MiB);
  });

  it('saves a torrent from the index and from a peer that both refuse plain HTTP, asking over TLS', async () => {
    // Plain HTTP is refused as this test's premise (the terminal must not fall back to it).
    await expect(typedClient(indexRoutes, indexAddress).torrent({ params: { fileId: FILE.id } })).rejects.toMatchObject({ status: 403, code: 'PLAIN_HTTP_REFUSED' });
    const fromIndex = join(work.path, 'index.torrent');
    const run = shoal(['torrent', FILE.id, '--index', indexAddress, '-o', fromIndex]);
    expect(await run.code, run.stderr()).toBe(0);
    expect(run.stdout().trim()).toBe(fromIndex);
    const torrent = checkTorrent(await readFile(fromIndex), FILE.id);
    expect(torrent.name).toBe('Ocean-Documentary.2026.mkv');
    expect(torrent.webSeeds).toHaveLength(2);

    const locked = await startTestNode({ security: { allow_plain_http: false } });
    try {
      const small = randomContent(40_000);
      await writeFile(join(locked.sharedDir, 'locked-notes.txt'), small.data);
      // Raw: a torrent is bytes, not the JSON the typed client reads.
      await pollUntil(async () => (await locked.api(`/api/v1/files/${small.id}/torrent`)).ok, 'the locked peer to share its file', 15_000);
      const lockedAddress = `127.0.0.1:${locked.port}`;
      await expect(locked.publicClient.getTorrent({ params: { fileId: small.id } })).rejects.toMatchObject({ status: 403, code: 'PLAIN_HTTP_REFUSED' });
      const fromPeer = join(work.path, 'peer.torrent');
      const direct = shoal(['torrent', small.id, '--peer', lockedAddress, '-o', fromPeer]);
      expect(await direct.code, direct.stderr()).toBe(0);
      expect(checkTorrent(await readFile(fromPeer), small.id).webSeeds).toEqual([`https://${lockedAddress}/api/v1/download/${small.id}/`]);
      // The check that an --index is really one asks over TLS too, so such a peer is still named.
      const misnamed = shoal(['search', 'notes', '--index', lockedAddress]);
      expect(await misnamed.code).toBe(1);
      expect(misnamed.stderr()).toContain(`${lockedAddress}: that is a peer, not an index server`);
    } finally {
      await locked.destroy();
    }
  });

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
