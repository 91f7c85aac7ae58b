// The peer API over real HTTP: downloads with ranges, bad input, control access, OpenAPI.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { randomBytes } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { fileIdOf, referenceTree } from '../support/reference-tree.js';

type ErrorBody = { error: { code: string; message: string } };

let n: TestNode;
const content = randomBytes(700_000);
const id = fileIdOf(content);
const unicodeName = 'Ünïcødé résumé — 日本.bin';

beforeAll(async () => {
  n = await startTestNode();
  await writeFile(join(n.sharedDir, unicodeName), content);
  await writeFile(join(n.sharedDir, 'empty.dat'), '');
  await pollUntil(async () => (await n.client.listFiles()).total === 2, 'files hashed');
});
afterAll(() => n.destroy());

// This file checks the refusals' wire form (a JSON content type, the catalogue's code, a message)
// and sends input the contract refuses: its refusals stay raw. What it reads of a working node goes
// through the typed client.
async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

const postJson = (path: string, body: string, auth = true) =>
  n.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body, auth });

describe('downloads', () => {
  it('serves the whole file with its headers', async () => {
    const res = await n.api(`/api/v1/download/${id}`, { auth: false });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${id}"`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment;/);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(unicodeName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
  });

  it('serves single byte ranges, suffix ranges, and refuses unsatisfiable ones', async () => {
    const part = await n.api(`/api/v1/download/${id}`, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${content.length}`);
    expect(part.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(1000, 2000))).toBe(true);

    const open = await n.api(`/api/v1/download/${id}`, { headers: { range: 'bytes=699990-' } });
    expect(Buffer.from(await open.arrayBuffer()).equals(content.subarray(699_990))).toBe(true);

    const suffix = await n.api(`/api/v1/download/${id}`, { headers: { range: 'bytes=-10' } });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(content.subarray(-10))).toBe(true);

    const beyond = await n.api(`/api/v1/download/${id}`, { headers: { range: `bytes=${content.length}-` } });
    expect(beyond.headers.get('content-range')).toBe(`bytes */${content.length}`);
    await expectError(beyond, 416, 'RANGE_NOT_SATISFIABLE');

    const stale = await n.api(`/api/v1/download/${id}`, { headers: { range: 'bytes=0-9', 'if-range': '"another-etag"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    const cached = await n.api(`/api/v1/download/${id}`, { headers: { 'if-none-match': `"${id}"` } });
    expect(cached.status).toBe(304);
  });

  it('answers HEAD with headers only, and serves an empty file', async () => {
    const head = await n.api(`/api/v1/download/${id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(content.length));
    const empty = await n.api(`/api/v1/download/${fileIdOf('')}`);
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
  });

  it('gives the piece layer of the file\'s hash tree, which proves the id', async () => {
    const pieces = await n.client.getPieces({ params: { fileId: id } });
    expect(pieces.size).toBe(content.length);
    expect(pieces.pieces).toHaveLength(Math.ceil(content.length / pieces.pieceSize));
    expect(pieces.pieces).toEqual(referenceTree(content, pieces.pieceSize).layer);
  });

  it('counts what it served', async () => {
    const stats = await n.client.getStats();
    expect(stats.uploads.served).toBeGreaterThan(0);
    expect(stats.uploads.bytesSent).toBeGreaterThanOrEqual(content.length);
  });
});

describe('bad input gets a catalogue error and changes nothing', () => {
  it('rejects malformed, unknown and traversing file ids', async () => {
    await expectError(await n.api('/api/v1/download/not-an-id'), 400, 'VALIDATION_FAILED');
    await expectError(await n.api(`/api/v1/download/${id.toUpperCase()}`), 400, 'VALIDATION_FAILED');
    await expectError(await n.api(`/api/v1/download/${'0'.repeat(64)}`), 404, 'FILE_NOT_FOUND');
    await expectError(await n.api(`/api/v1/files/${'0'.repeat(64)}/pieces`), 404, 'FILE_NOT_FOUND');
    for (const path of ['/api/v1/download/..%2F..%2F..%2Fetc%2Fpasswd', '/api/v1/download/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/api/v1/download/..%252F..%252Fetc%252Fpasswd']) {
      const res = await n.api(path);
      expect([400, 404]).toContain(res.status);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toMatch(/VALIDATION_FAILED|NOT_FOUND/);
    }
    const raw = await fetch(`${n.url}/api/v1/download/../../etc/passwd`);
    expect(raw.status).toBe(404);
  });

  it('rejects bad queries', async () => {
    await expectError(await n.api('/api/v1/files?pageSize=1000'), 400, 'VALIDATION_FAILED');
    await expectError(await n.api('/api/v1/files?category=spaceships'), 400, 'VALIDATION_FAILED');
    await expectError(await n.api('/api/v1/files?page=-1'), 400, 'VALIDATION_FAILED');
    await expectError(await n.api('/api/v1/search'), 400, 'VALIDATION_FAILED');
    await expectError(await n.api('/api/v1/nowhere'), 404, 'NOT_FOUND');
  });

  it('rejects bad share requests without sharing anything', async () => {
    const before = await n.client.listFiles();
    await expectError(await postJson('/api/v1/files/share', '{"path": '), 400, 'MALFORMED_JSON');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: 'x'.repeat(70_000) })), 413, 'BODY_TOO_LARGE');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ nope: 1 })), 400, 'VALIDATION_FAILED');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: 'relative/file.txt' })), 400, 'INVALID_PATH');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: `${n.sharedDir}/../data/shoal.db` })), 400, 'INVALID_PATH');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: '/no/such/file' })), 404, 'PATH_NOT_FOUND');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: n.dataDir })), 403, 'PATH_NOT_SHAREABLE');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: join(n.dataDir, 'control-token') })), 403, 'PATH_NOT_SHAREABLE');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: n.root })), 403, 'PATH_NOT_SHAREABLE');
    await expectError(await postJson('/api/v1/files/share', JSON.stringify({ path: '/dev/null' })), 400, 'NOT_A_FILE');
    const textBody = await n.api('/api/v1/files/share', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '/etc/hosts' });
    await expectError(textBody, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await n.api(`/api/v1/files/unshare/${'0'.repeat(64)}`, { method: 'DELETE' }), 404, 'FILE_NOT_FOUND');
    await expectError(await n.api('/api/v1/files/unshare/..%2Fx', { method: 'DELETE' }), 400, 'VALIDATION_FAILED');
    await n.library.whenIdle();
    expect(await n.client.listFiles()).toEqual(before);
  });
});

describe('control endpoints answer only the local user', () => {
  it('refuses share, unshare and tags without the token', async () => {
    const before = await n.client.listFiles();
    const body = JSON.stringify({ path: '/etc/hosts' });
    await expectError(await postJson('/api/v1/files/share', body, false), 401, 'UNAUTHORIZED');
    const wrong = await fetch(`${n.url}/api/v1/files/share`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer 0123' }, body });
    await expectError(wrong, 401, 'UNAUTHORIZED');
    await expectError(await n.api(`/api/v1/files/unshare/${id}`, { method: 'DELETE', auth: false }), 401, 'UNAUTHORIZED');
    await expectError(await n.api(`/api/v1/files/${id}/tags`, { method: 'PUT', auth: false, headers: { 'content-type': 'application/json' }, body: '{"tags":["x"]}' }), 401, 'UNAUTHORIZED');
    expect(await n.client.listFiles()).toEqual(before);
  });

  it('lets the local user tag a file, and search finds it by tag and by name', async () => {
    const tagged = await n.client.setFileTags({ params: { fileId: id }, body: { tags: ['Holiday', 'résumé'] } });
    expect(tagged.userTags).toEqual(['holiday', 'résumé']);
    const byTag = await n.client.searchLocal({ query: { q: 'holiday' } });
    expect(byTag.items.map((f) => f.id)).toEqual([id]);
    const byName = await n.client.searchLocal({ query: { q: '日本' } });
    expect(byName.items.map((f) => f.id)).toEqual([id]);
    const none = await n.client.searchLocal({ query: { q: 'holiday nothing' } });
    expect(none.total).toBe(0);
    const filtered = await n.client.listFiles({ query: { tag: 'holiday' } });
    expect(filtered.items.map((f) => f.id)).toEqual([id]);
  });

  it('keeps the token in a file only its user can read', async () => {
    const names = await readdir(n.dataDir);
    expect(names).toContain('control-token');
    expect((await stat(join(n.dataDir, 'control-token'))).mode & 0o077).toBe(0);
  });
});

describe('OpenAPI', () => {
  it('describes every route and lints clean', async () => {
    // The OpenAPI document is no route of the contract: read raw.
    const doc = await n.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/api/v1/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/info', '/api/v1/stats', '/api/v1/files', '/api/v1/files/share', '/api/v1/files/unshare/{fileId}', '/api/v1/download/{fileId}', '/api/v1/search', '/api/v1/files/{fileId}/pieces']));
    // The seed's `/files/unshare/{fileId}` and our `/files/{fileId}/pieces` look ambiguous to the
    // linter, but a file id is 64 hex digits, so it can never be the word "unshare".
    const config = await createConfig({ extends: ['recommended'], rules: { 'info-contact': 'off', 'operation-4xx-response': 'error', 'no-ambiguous-paths': 'off' } });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    // The upload's body is described too, as the multipart form it is.
    const upload = doc.paths['/api/v1/files/upload']?.post as { requestBody?: { content: Record<string, unknown> } };
    expect(Object.keys(upload.requestBody?.content ?? {})).toEqual(['multipart/form-data']);
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`)).toEqual([]);
  });

  it('answers info with who the node is', async () => {
    const info = await n.publicClient.getInfo();
    expect(info).toMatchObject({ roles: ['peer'], port: n.port, apiVersion: 'v1' });
    expect(info.fileCount).toBe(2);
  });
});
