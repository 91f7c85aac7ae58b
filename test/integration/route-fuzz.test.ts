// Property-based fuzzing of every route of both APIs, generated from the route tables the servers
// register (peer-routes.ts, index-routes.ts): random, almost valid and hostile params, queries and
// bodies, with and without the control token, over real HTTP to one real node with the index role on.
// Properties: never a 5xx; the node stays up; every 4xx is `{error: {code, message}}` from the
// catalogue with the catalogue's status; a batch of requests that all got a 4xx changes no state.
import { readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { peerRoutes, type RouteSpec } from '../../src-shared/api/peer-routes.js';
import { errorCatalogue, type ErrorCode } from '../../src-shared/errors.js';
import { pollUntil } from '../support/poll.js';
import { rawRequest, type RawAnswer } from '../support/raw-http.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

// Fixed, so a run is repeatable; FUZZ_SEED=<n> explores other inputs by hand.
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS_PER_ROUTE = 12;
const MAX_BATCH = 4;

let n: TestNode;
let indexPort: number;
let knownFileId: string;

beforeAll(async () => {
  n = await startTestNode({
    superPeer: { enabled: true, port: 0, max_requests_per_address: 0, heartbeat_interval: '5m' },
    // The fuzzer is one address making thousands of requests: no 429s, they would hide the routes.
    security: { max_requests_per_address: 0 },
    // The fuzzer's one download (its own file, no other source) would look for sources every
    // 300 ms, flipping between finding and waiting under the state snapshots: once is enough.
    downloadTiming: { findRetryMs: 600_000 },
  });
  await writeFile(join(n.sharedDir, 'fuzz-target.txt'), 'the one shared file the fuzzer may name by its real id\n');
  const files = await pollUntil(async () => {
    const page = await n.client.listFiles();
    return page.items.length === 1 && page.items[0]!.sha256 ? page.items : undefined;
  }, 'the shared file to be hashed (its SHA-256 too: computed while idle, it would change state mid-run)', 20_000);
  knownFileId = files[0]!.id;
  const role = await pollUntil(async () => {
    const view = await n.client.getIndexRole();
    return view.state === 'on' && view.port ? view.port : undefined;
  }, 'the index role to be on');
  indexPort = role;
}, 30_000);
afterAll(() => n?.destroy());

// ---- inputs -------------------------------------------------------------------------------------

const hostileStrings = [
  '', ' ', '..', '../', '../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f', '%c0', '%c0%af', '%', '%%', '%E0%A4%A',
  '%00', '\u0000', '\n', '\r\n', '\t', '/', '//', '\\..\\..\\windows', '~', '$HOME', '${jndi:ldap://x}', '<script>alert(1)</script>',
  '\'; DROP TABLE files; --', '" OR 1=1 --', '*', '?', '#', '&', '=', '+', ';', 'null', 'undefined', 'true', 'false', '[]', '{}',
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '\u202e', '\ud800', '😀', 'é', 'NaN', 'Infinity', '-Infinity',
  '-0', '-1', '0', '0x10', '1e309', '1e-309', '9007199254740993', '1'.repeat(400), ' 1 ', '1.5', '127.0.0.1:0', '127.0.0.1:65536',
  '[::1]:1', 'localhost:99999', 'http://127.0.0.1:1/', 'a:b:c', 'A'.repeat(64), 'g'.repeat(64), '0'.repeat(63), '0'.repeat(65),
  '/proc/self/environ', '/etc/shadow', '/dev/zero', 'C:\\Windows\\win.ini', 'CON', 'x'.repeat(5000),
];
const hugeNumbers = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE, -Number.MAX_VALUE, 1e21, -1, -0, 0.5, 2 ** 31, 2 ** 53, 2 ** 64];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('../', '%2e%2e/', '..\\', '%c0%ae%c0%ae/'), fc.integer({ min: 1, max: 30 })).map(([s, k]) => s.repeat(k)) },
);

/** Wrong types, huge numbers and deep nesting: what no schema accepts where it expects something else. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom<unknown>(...hugeNumbers, null, true, false, [], {}, [[]], { __proto__: { polluted: true } }),
  fc.double(),
  fc.integer({ min: 1, max: 3000 }).map((depth) => nest(depth)),
  fc.jsonValue({ maxDepth: 4 }),
);

function nest(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; entries?: Record<string, string>; values?: unknown[]; element?: z.ZodType; shape?: Record<string, z.ZodType>; checks?: { _zod: { def: { check: string; pattern?: RegExp } } }[] };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Values a schema accepts (or nearly: bounds, patterns and refinements are aimed at, not promised). */
function validish(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional': case 'default': case 'prefault': case 'nullable': case 'readonly': case 'catch': case 'nonoptional':
      return validish(def.innerType!, depth);
    case 'pipe':
      return validish(def.in!, depth);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries!));
    case 'literal':
      return fc.constantFrom(...def.values!);
    case 'boolean':
      return fc.boolean();
    case 'number': {
      const s = schema as z.ZodNumber;
      const min = Number.isFinite(s.minValue) ? Math.max(s.minValue!, -1e9) : -1e9;
      const max = Number.isFinite(s.maxValue) ? Math.min(s.maxValue!, 1e9) : 1e9;
      return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.constantFrom(min - 1, max + 1, Math.ceil(min), Math.floor(max)));
    }
    case 'string': {
      const pattern = def.checks?.map((c) => c._zod.def).find((c) => c.check === 'string_format' && c.pattern)?.pattern;
      if (pattern) return fc.stringMatching(pattern).filter((s) => s.length <= 300);
      const s = schema as z.ZodString;
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 64, 64);
      return fc.oneof(
        fc.string({ minLength: min, maxLength: Math.max(min, max) }),
        fc.constantFrom('127.0.0.1:1', 'holiday', 'video', n.sharedDir + '/nothing-here.txt', knownFileId),
      );
    }
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(validish(def.element!, depth + 1), { maxLength: 4 });
    case 'object': {
      const shape = def.shape!;
      const record = Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, mutated(value, depth + 1)]));
      return fc.record(record, { requiredKeys: [] }).chain((obj) =>
        fc.option(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'token', ...Object.keys(shape)), hostileValue), { nil: undefined })
          .map((extra) => (extra ? { ...obj, [extra[0]]: extra[1] } : obj)));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Mostly valid-ish, sometimes hostile. */
function mutated(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: validish(schema, depth) }, { weight: 1, arbitrary: hostileValue });
}

/** Percent-encodes what would break the request line (controls, spaces, non-ASCII, `#`, `?`), keeps `%`, `/`, `.` raw. */
function rawSafe(s: string, inPath: boolean): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && ch !== '#' && !(inPath && ch === '?') && !(!inPath && (ch === '&' || ch === '='))) out += ch;
    else out += encodeURIComponent(ch.length === 1 && code >= 0xd800 && code <= 0xdfff ? '\ufffd' : ch);
  }
  return out;
}

/** multipart/form-data with hostile file names (`../`, absolute, deep folders), field names, and cut-short bodies. */
const multipartBody = fc.record({
  parts: fc.array(fc.record({
    field: fc.oneof({ weight: 4, arbitrary: fc.constant('file') }, { weight: 1, arbitrary: hostileString }),
    filename: fc.oneof(hostileString, fc.constantFrom('ok.txt', 'a/b/c.txt', '../escape.txt', '../../../escape.txt', '/tmp/abs.txt', 'x/../../escape.txt', '.hidden', 'a/'.repeat(40) + 'deep.txt', 'con.txt', 'x\\..\\..\\escape.txt')),
    content: fc.string({ maxLength: 64 }),
  }), { minLength: 0, maxLength: 3 }),
  end: fc.constantFrom('--x--\r\n', '--x--\r\n', '', '--x', '\r\n--y--'),
  type: fc.constantFrom('multipart/form-data; boundary=x', 'multipart/form-data; boundary=x', 'multipart/form-data', 'multipart/form-data; boundary=""'),
}).map(({ parts, end, type }) => ({
  text: parts.map((p) => `--x\r\ncontent-disposition: form-data; name="${p.field.replace(/["\r\n]/g, '_')}"; filename="${wellFormed(p.filename).replace(/["\r\n]/g, '_')}"\r\ncontent-type: application/octet-stream\r\n\r\n${p.content}\r\n`).join('') + end,
  type,
}));

type Auth = 'none' | 'bearer' | 'wrong' | 'query';
interface FuzzRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
  note: string;
}

/** A value as URL text: lone surrogates made whole (no client could send them), at most 4,000 characters (the request line must fit the header limit). */
const asText = (value: unknown): string => wellFormed(typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined').slice(0, 4000);
const wellFormed = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

function requestArb(name: string, spec: RouteSpec, api: 'peer' | 'index'): fc.Arbitrary<FuzzRequest> {
  const paramNames = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const paramShape = (spec.params ? defOf(spec.params).shape : undefined) ?? {};
  const params = fc.tuple(...paramNames.map((p) => fc.oneof(
    { weight: 3, arbitrary: paramShape[p] ? validish(paramShape[p]) : fc.string() },
    { weight: 1, arbitrary: fc.constant(knownFileId) },
    { weight: 3, arbitrary: hostileString },
  ).map(asText)), fc.constant(null));
  const query = spec.query
    ? fc.array(fc.oneof(
        fc.constantFrom(...Object.keys(defOf(spec.query).shape!)).chain((key) => mutated(defOf(spec.query!).shape![key]!).map((v) => [key, asText(v)] as const)),
        fc.tuple(hostileString, hostileString),
      ), { maxLength: 5 })
    : fc.option(fc.array(fc.tuple(hostileString, hostileString), { maxLength: 2 }), { nil: [] });
  const body: fc.Arbitrary<{ text?: string; type?: string }> = fc.oneof(
    { weight: spec.body ? 6 : 1, arbitrary: (spec.body ? mutated(spec.body) : hostileValue).map((v) => ({ text: JSON.stringify(v) ?? 'null', type: 'application/json' })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,]', 'nul', '\u0000', '{"path":"/tmp"}garbage', '1e999', '"\\ud800"', '{"__proto__":{"x":1}}').map((text) => ({ text, type: 'application/json' })) },
    { weight: 1, arbitrary: fc.integer({ min: 500, max: 20_000 }).map((depth) => ({ text: '['.repeat(depth) + ']'.repeat(depth), type: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(hostileString, fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8'))
      .map(([text, type]) => ({ text: type.startsWith('multipart') ? `--x\r\ncontent-disposition: form-data; name="file"; filename="${text}"\r\n\r\n${text}\r\n--x` : text, type })) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: spec.multipart ? 12 : 0, arbitrary: multipartBody },
  );
  const otherMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => m !== spec.method.toUpperCase());
  const method = fc.oneof({ weight: 8, arbitrary: fc.constant(spec.method.toUpperCase()) }, { weight: 1, arbitrary: fc.constantFrom(...otherMethods) });
  const auth = fc.constantFrom<Auth>('none', 'bearer', 'bearer', 'wrong', 'query');
  const host = fc.oneof({ weight: 12, arbitrary: fc.constant<string | undefined>(undefined) }, { weight: 1, arbitrary: fc.constantFrom('evil.example', 'evil.example:80', '127.0.0.1.nip.io') });
  const encode = fc.constantFrom<'standard' | 'raw'>('standard', 'raw');

  return fc.record({ params, query, body, method, auth, host, encode }).map(({ params: values, query: entries, body: b, method: m, auth: a, host: h, encode: e }) => {
    const enc = (s: string, inPath: boolean) => (e === 'standard' ? encodeURIComponent(wellFormed(s)) : rawSafe(wellFormed(s), inPath));
    let i = 0;
    let path = spec.path.replace(/:(\w+)/g, () => {
      let v = values[i++] as string;
      // Unsharing the one shared file would leave every later route nothing real to find.
      if (name === 'unshareFile' && v === knownFileId) v = '0'.repeat(64);
      return enc(v, true) || '%20';
    });
    const pairs = [...entries];
    const headers: Record<string, string> = {};
    if (a === 'bearer') headers.authorization = `Bearer ${n.token}`;
    if (a === 'wrong') headers.authorization = 'Bearer not-the-token';
    if (a === 'query') pairs.push(['token', n.token]);
    if (h) headers.host = h;
    if (pairs.length) path += '?' + pairs.map(([k, v]) => `${enc(k, false)}=${enc(v, false)}`).join('&');
    const withBody = m !== 'GET' && b.text !== undefined;
    if (withBody && b.type) headers['content-type'] = b.type;
    const request: FuzzRequest = { method: m, target: path, headers, body: withBody ? b.text : undefined, note: `${api} ${name}` };
    return defuse(name, spec, api, request);
  });
}

/**
 * Valid calls that would wreck the fuzzing itself (share `/`, turn the index off, throttle uploads to
 * 1 byte/s, add index servers that need DNS) are turned into harmless ones: the fuzzer is after the
 * answers to odd input, not after a node it broke on purpose.
 */
function defuse(name: string, spec: RouteSpec, api: 'peer' | 'index', r: FuzzRequest): FuzzRequest {
  if (api !== 'peer' || r.body === undefined || !spec.body) return r;
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    return r;
  }
  const parsed = spec.body.safeParse(body);
  if (!parsed.success) return r;
  const safe = (value: unknown) => ({ ...r, body: JSON.stringify(value) });
  switch (name) {
    case 'shareFiles':
      return safe({ path: [join(n.sharedDir, 'no-such-file'), 'relative/path', '/etc/shadow', n.dataDir, join(n.sharedDir, '..', 'data')][r.body.length % 5] });
    case 'setIndexRole':
      return safe({ enabled: true });
    case 'addIndexServer':
      return safe({ address: '127.0.0.1:1' });
    case 'startDownload':
      return safe({ fileId: knownFileId });
    case 'startDownloads': // as startDownload: the one file, never a search for random ids
      return safe({ files: [{ fileId: knownFileId }] });
    case 'unshareFiles': // the one shared file stays (as unshareFile's)
      return safe({ ids: ['0'.repeat(64)] });
    case 'setTransferSettings':
      return safe({ shareDownloads: true });
    case 'setNetworkSettings': // a documentation network: blocking loopback would refuse the fuzzer itself
      return safe({ allowedNetworks: [], blockedNetworks: ['192.0.2.0/24'] });
    case 'setRootAccess': // restricting the shared folder would take its files off the index mid-run
      return safe({ path: n.sharedDir, access: 'everyone' });
    case 'setDhtSettings': // on, it would join the public DHT: no test contacts a public node
      return safe({ enabled: false });
    case 'setFederation': // a federated server (any address, reachable or not) makes lookups wait for it, up to the deadline
      return safe({ added: [] });
    default:
      return r;
  }
}

// ---- the properties -----------------------------------------------------------------------------

// Raw on purpose: the answers are compared as the node sent them; the typed client's schema
// parsing would drop any field the schema does not name, and a change there would go unseen.
async function stateSnapshot(): Promise<string> {
  const peer = async (path: string) => (await n.api(path)).text();
  const strip = (text: string, keys: string[]) => JSON.stringify(JSON.parse(text, (k, v: unknown) => (keys.includes(k) ? undefined : v)));
  const indexStats = await (await fetch(`http://127.0.0.1:${indexPort}/api/v1/stats`)).text();
  return JSON.stringify({
    // sha256 is computed in the background while the node is idle, whenever that is.
    files: strip(await peer('/api/v1/files?pageSize=200'), ['sha256']),
    downloads: strip(await peer('/api/v1/downloads'), ['speed', 'etaSeconds']),
    // Each known index server is asked now and then: whether it answered, when, how fast is a measurement.
    indexServers: strip(await peer('/api/v1/index-servers'), ['state', 'lastError', 'reachable', 'lastTriedAt', 'rttMs']),
    transfers: await peer('/api/v1/settings/transfers'),
    indexStats: strip(indexStats, ['uptimeSeconds', 'heartbeatsPerMinute', 'searchesPerMinute']),
  });
}

/** An answer, or a failure that names the request: a request left hanging is a bug too. */
async function answerWithin(ms: number, answer: Promise<RawAnswer>): Promise<RawAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until a valid call's effects have landed: hashing idle, and the state the same over
 * `quietPolls` polls 100 ms apart (an upload reaches the library after the watcher's settle time,
 * then the index after the index client's 500 ms batch delay).
 */
async function settle(quietPolls: number): Promise<void> {
  const hashingIdle = async () => {
    const { hashing } = await n.client.getStats();
    return hashing.queuedFiles === 0 && hashing.activeFiles === 0 && !hashing.scanning;
  };
  // A download's first look for sources asks every index server and may take seconds on a busy
  // machine: "finding" is on its way to another state, never a settled one.
  const noDownloadFinding = async () => {
    const { items } = await n.client.listDownloads();
    return items.every((d) => d.state !== 'finding' && d.state !== 'queued');
  };
  let last = await stateSnapshot();
  let quiet = 0;
  for (let i = 0; i < 100 && quiet < quietPolls; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await stateSnapshot();
    quiet = now === last && (await hashingIdle()) && (await noDownloadFinding()) ? quiet + 1 : 0;
    last = now;
  }
}

function checkAnswer(r: FuzzRequest, answer: RawAnswer): void {
  const what = `${r.note}: ${r.method} ${r.target.slice(0, 300)} ${r.body?.slice(0, 200) ?? ''}`;
  expect(answer.status, `${what}\n${answer.body.slice(0, 500)}`).toBeLessThan(500);
  expect(answer.status, what).toBeGreaterThanOrEqual(200);
  if (answer.status < 400) return;
  expect(answer.headers['content-type'], what).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body), what).toEqual(['error']);
  expect(typeof body.error?.message, what).toBe('string');
  const code = body.error?.code as ErrorCode;
  expect(Object.keys(errorCatalogue), what).toContain(code);
  expect(errorCatalogue[code].status, what).toBe(answer.status);
}

async function fuzzRoute(name: string, spec: RouteSpec, api: 'peer' | 'index', seed: number): Promise<void> {
  const port = api === 'peer' ? n.port : indexPort;
  const details = await fc.check(
    fc.asyncProperty(fc.array(requestArb(name, spec, api), { minLength: 1, maxLength: MAX_BATCH }), async (batch) => {
      const before = await stateSnapshot();
      let allRefused = true;
      let changed = false;
      let uploaded = false;
      for (const r of batch) {
        const answer = await answerWithin(5_000, rawRequest(port, { method: r.method, target: r.target, headers: r.headers, body: r.body }));
        checkAnswer(r, answer);
        if (answer.status < 400) allRefused = false;
        if (answer.status < 400 && r.method !== 'GET') changed = true;
        if (answer.status < 400 && name === 'uploadFiles') uploaded = true;
      }
      await expect(n.publicClient.getInfo(), 'the node answers after the batch').resolves.toMatchObject({ apiVersion: 'v1' });
      if (allRefused) {
        const after = await stateSnapshot();
        const at = [...after].findIndex((c, k) => c !== before[k]);
        expect(after === before ? '' : `${before.slice(Math.max(0, at - 200), at + 200)}\n  became\n${after.slice(Math.max(0, at - 200), at + 200)}`, 'a batch of 4xx answers changed state').toBe('');
      }
      // A valid call's effects travel on (the library tells the index): let them land before the next batch.
      else if (changed) await settle(uploaded ? 8 : 1);
    }),
    { seed, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
  );
  // fast-check's own report prints every request of the batch in full (deep JSON, long strings).
  if (details.failed) {
    const shown = JSON.stringify(details.counterexample, (_k, v: unknown) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…(${v.length})` : v));
    throw new Error(`seed ${details.seed}, path ${details.counterexamplePath}: ${String(details.errorInstance).slice(0, 1500)}\n${shown.slice(0, 3000)}`);
  }
}

/** Every file under the node's temporary root, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(n.root, join(e.parentPath, e.name)));
}

const tables = [['peer', peerRoutes], ['index', indexRoutes]] as const;

describe.each(tables)('every route of the %s API, fuzzed', (api, routes) => {
  const entries = Object.entries(routes as Record<string, RouteSpec>);
  it.each(entries.map(([name, spec], i) => [`${spec.method.toUpperCase()} ${spec.path} (${name})`, name, spec, i] as const))(
    '%s: no 5xx, catalogue 4xx, 4xx changes nothing',
    async (_title, name, spec, i) => {
      await fuzzRoute(name, spec, api, SEED + i);
    },
    30_000,
  );
});

describe('what the fuzzing found', () => {
  it('an upload whose body ends right after a boundary is a 400, not an answer that never comes', async () => {
    const body = '--x\r\ncontent-disposition: form-data; name="file"; filename="cut.txt"\r\n\r\nhi\r\n--x';
    const answer = await answerWithin(5_000, rawRequest(n.port, {
      method: 'POST', target: '/api/v1/files/upload', headers: { authorization: `Bearer ${n.token}`, 'content-type': 'multipart/form-data; boundary=x' }, body,
    }));
    expect(answer.status).toBe(400);
    expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});

describe('after the fuzzing', () => {
  it('no upload or share wrote anywhere but the shared, data and download folders', async () => {
    const inside = [n.sharedDir, n.dataDir, n.downloadDir].map((dir) => relative(n.root, dir) + sep);
    const stray = (await filesUnder(n.root)).filter((file) => !inside.some((dir) => file.startsWith(dir)));
    expect(stray).toEqual([]);
    await expect(n.publicClient.getInfo()).resolves.toMatchObject({ apiVersion: 'v1' });
  });
});
