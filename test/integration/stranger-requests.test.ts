// What a stranger's odd requests get: malformed addresses are a catalogue 400 (never a 500 with a
// stack), the control token never reaches the log, and control routes refuse before reading a body.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

type ErrorBody = { error: { code: string; message: string } };

let n: TestNode;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  n = await startTestNode({ logger: pino({ level: 'debug' }, sink) });
});
afterAll(() => n.destroy());

function errorOf(body: string): ErrorBody['error'] {
  return (JSON.parse(body) as ErrorBody).error;
}

describe('requests the HTTP parser refuses', () => {
  it('an address over 16 KiB is 431 HEADERS_TOO_LARGE and a malformed request 400 BAD_REQUEST, both in the catalogue\u2019s JSON', async () => {
    const long = await rawRequest(n.port, { target: `/api/v1/files?q=${'a'.repeat(20_000)}` });
    expect(long.status).toBe(431);
    expect(long.headers['content-type']).toMatch(/application\/json/);
    expect(errorOf(long.body).code).toBe('HEADERS_TOO_LARGE');
    const garbage = await rawRequest(n.port, { target: '/api/v1/info', headers: { 'bad header': 'x' } });
    expect(garbage.status).toBe(400);
    expect(errorOf(garbage.body).code).toBe('BAD_REQUEST');
  });
});

describe('malformed percent-escapes', () => {
  it('answer 400 MALFORMED_URL from the catalogue, never a 500, and log no stack', async () => {
    const before = logLines.length;
    for (const target of ['/api/v1/files/%c0', '/api/v1/files/%E0%A4%A', '/api/v1/download/%c0', '/api/v1/files/%c0/pieces', '/%c0', '/search/%ff', '/assets/%c0.js']) {
      const res = await rawRequest(n.port, { target });
      expect(res.status, target).toBe(400);
      expect(res.headers['content-type'], target).toMatch(/application\/json/);
      expect(errorOf(res.body).code, target).toBe('MALFORMED_URL');
      expect(res.body).not.toMatch(/URIError|at .*\.js/);
    }
    const control = await rawRequest(n.port, { method: 'DELETE', target: '/api/v1/files/unshare/%c0' });
    expect([400, 401]).toContain(control.status);
    expect(logLines.slice(before).join('')).not.toMatch(/unexpected error/);
  });
});

describe('the control token in the log', () => {
  it('is never written, whatever the request', async () => {
    const targets = [
      `/api/v1/files/%c0?token=${n.token}`,
      `/%c0?token=${n.token}`,
      `/api/v1/nowhere?token=${n.token}`,
      `/api/v1/files?token=${n.token}&page=-1`,
      `/?token=${n.token}`,
    ];
    for (const target of targets) await rawRequest(n.port, { target });
    await rawRequest(n.port, { method: 'POST', target: `/api/v1/files/share?token=${n.token}`, headers: { 'content-type': 'application/json' }, body: '{"path":' });
    expect(logLines.join('')).not.toContain(n.token);
  });
});

describe('control routes check access before reading the body', () => {
  const post = (target: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(n.port, { method: 'POST', target, headers: { 'content-type': 'application/json', ...headers }, body });

  it('answer 401 to a stranger whatever the body: too large, malformed, or of the wrong type', async () => {
    const huge = JSON.stringify({ path: 'x'.repeat(200_000) });
    for (const [body, type] of [[huge, 'application/json'], ['{"path": ', 'application/json'], ['/etc/hosts', 'text/plain']] as const) {
      const res = await post('/api/v1/files/share', body, { 'content-type': type });
      expect(res.status, body.slice(0, 20)).toBe(401);
      expect(errorOf(res.body).code).toBe('UNAUTHORIZED');
    }
    const role = await rawRequest(n.port, { method: 'PUT', target: '/api/v1/settings/index-role', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(role.status).toBe(401);
    const wrongToken = await post('/api/v1/downloads', huge, { authorization: 'Bearer 00' });
    expect(wrongToken.status).toBe(401);
  });

  it('still parse and check the body of the local user', async () => {
    const auth = { authorization: `Bearer ${n.token}` };
    const tooLarge = await post('/api/v1/files/share', JSON.stringify({ path: 'x'.repeat(200_000) }), auth);
    expect(tooLarge.status).toBe(413);
    expect(errorOf(tooLarge.body).code).toBe('BODY_TOO_LARGE');
    const malformed = await post('/api/v1/files/share', '{"path": ', auth);
    expect(errorOf(malformed.body).code).toBe('MALFORMED_JSON');
    const shared = await post('/api/v1/files/share', JSON.stringify({ path: n.sharedDir }), auth);
    expect(shared.status).toBe(200);
  });
});
