// Unshared files (issue 16, item 15) over real HTTP: the node lists what the user unshared, paged,
// shares a list of them again in one call (one result per path), and an upload of a file the user
// unshared brings it back under its own name instead of making "name (1).ext".
import { readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerRoutes, uploadResponseSchema, type UploadResponse } from '../../src-shared/api/peer-routes.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

let n: TestNode;
let outside: string;

// Raw, for bodies the contract refuses on purpose.
const post = (path: string, body: unknown) => n.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const shared = async () => (await n.client.listFiles({ query: { pageSize: 200 } })).items;
const unshared = (query: { page?: number; pageSize?: number; q?: string } = {}) => n.client.listUnshared({ query });
const unshare = (ids: string[]) => n.client.unshareFiles({ body: { ids } });
const reshare = (paths: string[]) => n.client.reshareFiles({ body: { paths } });
const idOf = async (name: string) => pollUntil(async () => (await shared()).find((f) => f.name === name)?.id, `${name} to be shared`, 20_000);
const sharedNames = async () => (await shared()).map((f) => f.name).sort();

/** An upload is multipart, which the typed client (JSON bodies) does not send: raw, its answer parsed with the route's schema. */
async function upload(name: string, content: string): Promise<UploadResponse['files'][number]> {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const res = await n.api('/api/v1/files/upload', { method: 'POST', body: form });
  expect(res.status, await res.clone().text()).toBe(200);
  return uploadResponseSchema.parse(await res.json()).files[0]!;
}

beforeAll(async () => {
  n = await startTestNode();
  for (const name of ['alpha.txt', 'beta.txt', 'gamma.txt', 'delta.txt']) await writeFile(join(n.sharedDir, name), `the file ${name}\n`);
  // One file shared by hand, from outside the shared folder.
  outside = join(n.root, 'elsewhere');
  await mkdir(outside);
  await writeFile(join(outside, 'by-hand.txt'), 'shared by its path\n');
  await n.client.shareFiles({ body: { path: join(outside, 'by-hand.txt') } });
  await pollUntil(async () => (await shared()).length === 5, 'five files to be shared', 20_000);
}, 30_000);
afterAll(() => n?.destroy());

describe('unshared files', () => {
  it('are listed, paged, after an unshare that names the paths each file left', async () => {
    const ids = [await idOf('alpha.txt'), await idOf('beta.txt'), await idOf('by-hand.txt')];
    const result = await unshare(ids);
    expect(result.succeeded).toBe(3);
    expect(result.results.map((r) => r.removedPaths)).toEqual([[join(n.sharedDir, 'alpha.txt')], [join(n.sharedDir, 'beta.txt')], [join(outside, 'by-hand.txt')]]);

    const all = await unshared();
    expect(all.total).toBe(3);
    expect(all.items.map((f) => f.path).sort()).toEqual([join(n.sharedDir, 'alpha.txt'), join(n.sharedDir, 'beta.txt'), join(outside, 'by-hand.txt')].sort());
    const alpha = all.items.find((f) => f.name === 'alpha.txt')!;
    expect(alpha).toMatchObject({ present: true, size: 'the file alpha.txt\n'.length });
    expect(Date.parse(alpha.unsharedAt)).toBeGreaterThan(Date.now() - 60_000);

    const first = await unshared({ page: 1, pageSize: 2 });
    const second = await unshared({ page: 2, pageSize: 2 });
    expect(first).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect(new Set([...first.items, ...second.items].map((f) => f.path)).size).toBe(3);
  });

  it('refuses bad input as a whole and answers only the local user', async () => {
    // Sent raw: the contract refuses these, so the typed client would not send them.
    for (const query of ['?pageSize=0', '?pageSize=201', '?page=0', '?page=x']) {
      const res = await n.api(`/api/v1/library/unshared${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    for (const body of [{ paths: [] }, { paths: [''] }, { paths: ['/a'], extra: 1 }, { paths: 'x' }, { paths: ['x'.repeat(4097)] }]) {
      const res = await post('/api/v1/files/reshare', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    await expect(n.publicClient.listUnshared()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await expect(n.publicClient.reshareFiles({ body: { paths: [join(n.sharedDir, 'alpha.txt')] } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((await unshared()).total).toBe(3);
  });

  it('are shared again in one call, one result per path, a path never unshared refused alone', async () => {
    const alpha = join(n.sharedDir, 'alpha.txt');
    const byHand = join(outside, 'by-hand.txt');
    const never = join(n.sharedDir, 'gamma.txt'); // shared, never unshared
    const result = await reshare([alpha, never, byHand, alpha, '/etc/passwd']);
    expect(result.results.map((r) => [r.path, r.ok, r.error?.code])).toEqual([
      [alpha, true, undefined], [never, false, 'NOT_UNSHARED'], [byHand, true, undefined], ['/etc/passwd', false, 'NOT_UNSHARED'],
    ]);
    expect(result).toMatchObject({ succeeded: 2, failed: 2 });
    await pollUntil(async () => (await shared()).length === 4, 'alpha.txt and by-hand.txt to be shared again', 20_000);
    expect(await sharedNames()).toEqual(['alpha.txt', 'by-hand.txt', 'delta.txt', 'gamma.txt']);
    expect((await unshared()).items.map((f) => f.name)).toEqual(['beta.txt']);
    // The file shared by hand is a root of its own again.
    const roots = await n.client.listSharedRoots();
    expect(roots.items.map((r) => r.path)).toContain(byHand);
  });

  it('says which are gone from disk, and refuses to share those again', async () => {
    const delta = join(n.sharedDir, 'delta.txt');
    await unshare([await idOf('delta.txt')]);
    await rm(delta);
    const gone = (await unshared()).items.find((f) => f.path === delta);
    expect(gone).toMatchObject({ name: 'delta.txt', present: false, size: null });
    const result = await reshare([delta]);
    expect(result.results[0]).toMatchObject({ ok: false, error: { code: 'PATH_NOT_FOUND' } });
  });
});

describe('uploading a file the user unshared', () => {
  it('shares it again under its own name when the same bytes come back', async () => {
    const beta = join(n.sharedDir, 'beta.txt');
    expect((await unshared()).items.map((f) => f.path)).toContain(beta);
    const landed = await upload('beta.txt', 'the file beta.txt\n');
    expect(landed).toMatchObject({ name: 'beta.txt', path: beta });
    await idOf('beta.txt');
    expect((await readdir(n.sharedDir)).filter((f) => f.startsWith('beta'))).toEqual(['beta.txt']);
    expect((await unshared()).items.map((f) => f.path)).not.toContain(beta);
  });

  it('keeps the unshared file and makes "name (1)" when other bytes come under its name', async () => {
    const gamma = join(n.sharedDir, 'gamma.txt');
    await unshare([await idOf('gamma.txt')]);
    const landed = await upload('gamma.txt', 'another gamma\n');
    expect(landed.name).toBe('gamma (1).txt');
    await idOf('gamma (1).txt');
    expect(await readFile(gamma, 'utf8')).toBe('the file gamma.txt\n');
    expect((await shared()).map((f) => f.name)).not.toContain('gamma.txt');
    expect((await unshared()).items.map((f) => f.path)).toContain(gamma);
  });

  it('is shared again under its name when dropped on the desktop app (shared by its path)', async () => {
    const gamma = join(n.sharedDir, 'gamma.txt'); // unshared above, still on disk
    await n.client.shareFiles({ body: { path: gamma } });
    await idOf('gamma.txt');
    expect((await unshared()).items.map((f) => f.path)).not.toContain(gamma);
  });

  it('shares a new file put where an unshared one was deleted', async () => {
    const delta = join(n.sharedDir, 'delta.txt'); // unshared, then deleted, above
    const landed = await upload('delta.txt', 'a new delta\n');
    expect(landed).toMatchObject({ name: 'delta.txt', path: delta });
    await idOf('delta.txt');
    expect((await unshared()).items.map((f) => f.path)).not.toContain(delta);
  });
});

describe('searching the unshared files', () => {
  const names = ['report_1.txt', 'reportX1.txt', '100% done.txt', '100 done.txt'];
  beforeAll(async () => {
    for (const name of names) await writeFile(join(n.sharedDir, name), `search ${name}\n`);
    await mkdir(join(n.sharedDir, 'Reports Q4'));
    await writeFile(join(n.sharedDir, 'Reports Q4', 'notes.txt'), 'in a folder\n');
    const ids = [];
    for (const name of [...names, 'notes.txt']) ids.push(await idOf(name));
    expect((await unshare(ids)).succeeded).toBe(5);
  }, 30_000);

  const found = async (q: string, page: { page?: number; pageSize?: number } = {}) => {
    const answer = await unshared({ q, ...page });
    return { total: answer.total, names: answer.items.map((f) => f.name).sort() };
  };

  it('matches the name or the folders, in any case, and total counts only the matches', async () => {
    expect(await found('REPORT')).toEqual({ total: 3, names: ['notes.txt', 'reportX1.txt', 'report_1.txt'] });
    expect(await found('reports q4')).toEqual({ total: 1, names: ['notes.txt'] });
    expect(await found('nothing like it')).toEqual({ total: 0, names: [] });
    // Raw: the typed client trims the spaces itself; whether the node does is the point.
    const spaces = peerRoutes.listUnshared.response.parse(await (await n.api('/api/v1/library/unshared?q=%20%20')).json());
    expect({ total: spaces.total, names: spaces.items.map((f) => f.name).sort() }).toEqual(await found(''));
  });

  it('takes % and _ literally', async () => {
    expect(await found('report_1')).toEqual({ total: 1, names: ['report_1.txt'] });
    expect(await found('100%')).toEqual({ total: 1, names: ['100% done.txt'] });
  });

  it('pages through the matches', async () => {
    const first = await found('report', { pageSize: 2, page: 1 });
    const second = await found('report', { pageSize: 2, page: 2 });
    expect([first.total, first.names.length, second.total, second.names.length]).toEqual([3, 2, 3, 1]);
    expect([...first.names, ...second.names].sort()).toEqual(['notes.txt', 'reportX1.txt', 'report_1.txt']);
  });

  it('refuses a search longer than 200 characters', async () => {
    // Raw: the contract refuses it before it leaves.
    const res = await n.api(`/api/v1/library/unshared?q=${'a'.repeat(201)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });
});
