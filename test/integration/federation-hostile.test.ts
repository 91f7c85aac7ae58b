// A federation with hostile members: a real index server A federates with a real index server B
// and with five hostile ones (test/support/hostile-index.ts) that answer garbage, endless JSON,
// nothing at all, lies, or send A's own queries back to it, and one that answers honestly but
// late. A search and a source lookup on A still find B's files, within the deadline, with
// nothing of the hostile servers' in them; the late answer comes with `more=<queryId>`.
// Replicas are off: this file tests forwarding (federation-replicas.test.ts, hostile copies).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { federationRoutes } from '../../src-shared/api/federation.js';
import { indexRoutes, searchResponseSchema } from '../../src-shared/api/index-routes.js';
import { MAX_LEARNED } from '../../src-main/core/index/federation/members.js';
import { freePort } from '../support/free-port.js';
import { FOREIGN_FILE_ID, LATE_FILE_ID, startHostileIndex, type HostileIndex, type HostileIndexMode } from '../support/hostile-index.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const DEADLINE_MS = 1_000;
/**
 * What a loaded test machine may add to the deadline: the fan-out to eight members and the test's
 * own round trip (600 ms left little on a loaded 2-core machine). DEADLINE_MS + SLACK_MS stays
 * below what waiting for the member that never answers would take: a search's forwards stay in
 * flight 3 s (federation/setup.ts), a lookup without its deadline the transport's 10 s.
 */
const SLACK_MS = 1_500;
const modes: HostileIndexMode[] = ['garbage', 'huge', 'slow', 'liar', 'loop', 'late', 'foreign'];
const hostile: HostileIndex[] = [];
const nodes: TestNode[] = [];
let portA = 0;
let portB = 0;

const timed = async <T>(what: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await what();
  return { value, ms: performance.now() - started };
};
const indexA = () => typedClient(indexRoutes, `127.0.0.1:${portA}`);
const searchA = (query: { q: string; more?: string }) => indexA().search({ query });

beforeAll(async () => {
  portA = await freePort();
  portB = await freePort();
  for (const mode of modes) hostile.push(await startHostileIndex(mode, { back: () => `127.0.0.1:${portA}` }));
  const a = await startTestNode({
    peer: { share: false },
    superPeer: { enabled: true, port: portA, federation_deadline: `${DEADLINE_MS}ms`, federation: [`127.0.0.1:${portB}`, ...hostile.map((h) => h.address)], federation_replicas: false },
  });
  const b = await startTestNode({ peer: { share: false }, superPeer: { enabled: true, port: portB } });
  const peerA = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${portA}`] } });
  const peerB = await startTestNode({ peer: { super_peer_address: [`127.0.0.1:${portB}`] } });
  nodes.push(a, b, peerA, peerB);
  await writeFile(join(peerA.sharedDir, 'alpha-quarterly-report.txt'), 'alpha report');
  await writeFile(join(peerB.sharedDir, 'beta-quarterly-report.txt'), 'beta report');
}, 60_000);

afterAll(async () => {
  await Promise.all([...nodes.map((n) => n.destroy()), ...hostile.map((h) => h.close())]);
});

describe('a federation with hostile index servers in it', () => {
  it('a search finds the honest servers\u2019 files, within the deadline, and nothing of the hostile ones', async () => {
    await pollUntil(async () => (await searchA({ q: 'quarterly report' })).items.length === 2, 'A to find both reports', 20_000);
    await pollUntil(() => hostile.every((h) => h.queries > 0), 'every hostile server to be asked');
    for (let i = 0; i < 3; i++) {
      const { value: answer, ms } = await timed(() => searchA({ q: 'quarterly report' }));
      expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(answer.items.map((r) => r.name).sort()).toEqual(['alpha-quarterly-report.txt', 'beta-quarterly-report.txt']);
      expect(answer.federation?.asked).toBe(1 + modes.length);
      expect(answer.items.map((r) => r.id)).not.toContain(FOREIGN_FILE_ID);
      for (const r of answer.items) {
        expect(r.sourceCount).toBe(1);
        for (const s of r.sources) expect(s.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/v1/download/${r.id}$`));
      }
    }
  });

  it('an answer that comes after the deadline is given by `more=<queryId>`, waiting for it', async () => {
    const first = await searchA({ q: 'quarterly report' });
    expect(first.items.map((r) => r.id)).not.toContain(LATE_FILE_ID);
    expect(first.federation?.pending).toBeGreaterThan(0); // the slow and the late one, at least
    const { value: more, ms } = await timed(() => searchA({ q: 'quarterly report', more: first.federation!.queryId }));
    expect(more.items.map((r) => r.id)).toContain(LATE_FILE_ID);
    expect(more.items).toHaveLength(3);
    // It waited for the late server, not for the one that never answers (up to the query's 3 s).
    expect(ms).toBeLessThan(3_000 + SLACK_MS);
    // The same query id is not another query's: another query's words start afresh.
    const other = await searchA({ q: 'alpha', more: first.federation!.queryId });
    expect(other.items.map((r) => r.name)).toContain('alpha-quarterly-report.txt');
  });

  it('a source lookup lists only the honest source, within the deadline', async () => {
    const { items: [beta] } = await searchA({ q: 'beta quarterly' });
    const { value: file, ms } = await timed(() => indexA().getFile({ params: { fileId: beta!.id } }));
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(file.sources).toHaveLength(1);
    expect(file.sources[0]!.peerId).toBe(nodes[3]!.indexRole.indexId);
    // An id only the liar "knows" stays unknown: a file with no real source is no file.
    await expect(indexA().getFile({ params: { fileId: 'a'.repeat(64) } })).rejects.toMatchObject({ status: 404 });
  });

  it('sources at hosts no downloader should be sent to are dropped, and never redirected to', async () => {
    const foreign = hostile[modes.indexOf('foreign')]!;
    const before = foreign.queries;
    // It listed that file, but only at such hosts: no file.
    await expect(indexA().getFile({ params: { fileId: FOREIGN_FILE_ID } })).rejects.toMatchObject({ status: 404 });
    // Raw: the redirect's Location header is what must be absent.
    const download = await fetch(`http://127.0.0.1:${portA}/api/v1/download/${FOREIGN_FILE_ID}`, { redirect: 'manual' });
    expect(download.status).toBe(404);
    expect(download.headers.get('location')).toBeNull();
    // On B's file, the foreign server's sources do not join B's.
    const { items: [beta] } = await searchA({ q: 'beta quarterly' });
    const file = await indexA().getFile({ params: { fileId: beta!.id } });
    for (const s of file.sources) expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(foreign.queries).toBeGreaterThan(before); // it was asked, and answered
  });

  it('a query sent back to where it started is refused at once, with nothing', async () => {
    const loop = hostile[modes.indexOf('loop')]!;
    // What A answered the loop, read with the search's own schema.
    const echoSchema = z.object({ body: searchResponseSchema });
    const echo = await pollUntil(() => loop.echoes.map((e) => echoSchema.safeParse(e).data).find((e) => e?.body.federation?.duplicate), 'the loop\u2019s echo');
    expect(echo.body.items).toEqual([]);
  });

  it('lists of index servers are bounded: junk addresses are only tried, at most so many kept', async () => {
    const list = await typedClient(federationRoutes, `127.0.0.1:${portA}`).federationServers();
    expect(list.servers.length).toBeLessThanOrEqual(64);
    // Never answered, so never listed for others (and never asked a query).
    expect(list.servers.some((s) => s.address === '127.0.0.1:1')).toBe(false);
    expect(list.servers.length).toBeLessThanOrEqual(1 + modes.length + MAX_LEARNED);
  });
});
