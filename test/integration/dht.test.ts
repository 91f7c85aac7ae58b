// Sources without an index server (issue 15): a private BitTorrent DHT on loopback. A router node
// (bittorrent-dht, as an organisation would run one) and real Shoal nodes joining through it; no
// index server anywhere. Every UDP datagram any DHT sends in this file goes through a spy on
// dgram's send: none may leave 127.0.0.1, and no public router's name is ever resolved.
import bencode from 'bencode';
import { randomBytes } from 'node:crypto';
import { createSocket, Socket } from 'node:dgram';
import dns from 'node:dns';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedFile } from '../../src-shared/api/library.js';
import type { NodeInfo } from '../../src-shared/api/node.js';
import { PROTOCOL_VERSION } from '../../src-shared/api/protocol.js';
import { DhtNode, MAX_LOOKUPS_AT_ONCE, MAX_LOOKUPS_WAITING, PUBLIC_BOOTSTRAP } from '../../src-main/core/dht/dht-node.js';
import { dhtNetworkFile, dhtSourceFinder, type DhtFinderOptions } from '../../src-main/core/dht/dht-source-finder.js';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { getCommand } from '../../src-main/cli/terminal-commands.js';
import { makeTempDir } from '../support/temp-dir.js';
import { randomContent, startDownload, waitForDownload } from '../support/downloads.js';
import { sha256 } from '../support/sha256.js';
import { pollUntil } from '../support/poll.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const sentTo: string[] = [];
const resolved: string[] = [];
const originalSend = Socket.prototype.send;
const originalLookup = dns.lookup;

/** UDP sockets this process holds open (real handles, as Node counts them). */
const udpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;

const dhtView = (node: TestNode) => node.client.getDhtSettings();

/** A Shoal peer API that is not one: answers /api/v1/info as a node of its own and /api/v1/files/{id} with whatever it is given. */
async function fakePeer(file: SharedFile): Promise<{ port: number; server: Server }> {
  const info: NodeInfo = {
    id: NodeKey.generate().id, name: 'fake', version: '1.0.0', apiVersion: 'v1', protocol: PROTOCOL_VERSION, roles: ['peer'],
    port: 0, indexPort: null, startedAt: new Date().toISOString(), fileCount: 1, totalBytes: file.size,
  };
  const server = createServer((req, res) => {
    const body = req.url === '/api/v1/info' ? info : req.url === `/api/v1/files/${file.id}` ? file : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** A DHT "node" that names whatever peers it is given for any key, and no other node (KRPC by hand, on loopback). */
async function lyingDhtNode(peers: readonly [string, number][]): Promise<{ port: number; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  const id = randomBytes(20);
  const values = peers.map(([host, port]) => {
    const compact = Buffer.from([...host.split('.').map(Number), 0, 0]);
    compact.writeUInt16BE(port, 4);
    return compact;
  });
  socket.on('message', (msg, from) => {
    const query = bencode.decode(msg) as { t?: Uint8Array; y?: Uint8Array; q?: Uint8Array };
    if (!query.t || Buffer.from(query.y ?? []).toString() !== 'q') return;
    const getPeers = Buffer.from(query.q ?? []).toString() === 'get_peers';
    const r = { id, nodes: Buffer.alloc(0), ...(getPeers ? { token: Buffer.from('token'), values } : {}) };
    socket.send(bencode.encode({ t: query.t, y: 'r', r }), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

const putDht = (node: TestNode, enabled: boolean) => node.client.setDhtSettings({ body: { enabled } });

beforeAll(() => {
  // A spy, not a mock: it records where each datagram goes and sends it.
  Socket.prototype.send = function send(this: Socket, ...args: unknown[]) {
    const port = args.find((a, i) => i > 0 && typeof a === 'number' && a > 0 && a < 65536 && typeof args[i + 1] === 'string');
    const host = args[args.indexOf(port) + 1];
    sentTo.push(`${String(host)}:${String(port)}`);
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof Socket.prototype.send;
  dns.lookup = function lookup(this: unknown, hostname: string, ...rest: unknown[]) {
    resolved.push(hostname);
    return (originalLookup as (...a: unknown[]) => void).call(this, hostname, ...rest);
  } as typeof dns.lookup;
});

afterAll(() => {
  Socket.prototype.send = originalSend;
  dns.lookup = originalLookup;
  // The assertion of the whole file: no datagram left loopback, no public router was looked up.
  expect(sentTo.length).toBeGreaterThan(0);
  expect(sentTo.filter((to) => !to.startsWith('127.0.0.1:'))).toEqual([]);
  const publicNames = PUBLIC_BOOTSTRAP.map((a) => a.split(':')[0]);
  expect(resolved.filter((name) => publicNames.includes(name))).toEqual([]);
});

describe('the DHT is off by default', () => {
  it('opens no UDP socket and says so; the switch turns it on and off live', async () => {
    const before = udpSockets();
    // A bootstrap list, so that switching it on below joins a private DHT (of nobody) and not the public one.
    const node = await startTestNode({ dht: { bootstrap: ['127.0.0.1:9'] } });
    try {
      expect(node.dht.dht()).toBeNull();
      expect(udpSockets()).toBe(before);
      const view = await dhtView(node);
      expect(view).toMatchObject({ enabled: false, state: 'off', port: null, nodes: 0, mode: 'private' });
      // The switch: a private DHT of one (its bootstrap node is not there), then off again.
      const on = await putDht(node, true);
      expect(on.enabled).toBe(true);
      expect(on.state).toBe('on');
      expect(udpSockets()).toBe(before + 1);
      const off = await putDht(node, false);
      expect(off).toMatchObject({ enabled: false, state: 'off', port: null });
      expect(udpSockets()).toBe(before);
      // The control route is the local user's alone.
      await expect(node.publicClient.getDhtSettings()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    } finally {
      await node.destroy();
    }
  });
});

describe('a private DHT on loopback, no index server anywhere', () => {
  const logger = pino({ level: 'silent' });
  let router: DhtNode;
  let a: TestNode;
  let b: TestNode;
  let liar: TestNode;
  const content = randomContent(3 * 1024 * 1024 + 12_345);

  beforeAll(async () => {
    // The organisation's bootstrap node: a bare DHT node that knows nobody to begin with.
    router = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [], logger });
    const dht = { enabled: true, bootstrap: [`127.0.0.1:${router.port}`] };
    a = await startTestNode({ dht });
    b = await startTestNode({ dht });
    liar = await startTestNode(); // shares nothing, and runs no DHT
    await writeFile(join(a.sharedDir, 'film.bin'), content.data);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy(), liar?.destroy()]);
    await router?.close();
  });

  it('contacts only its bootstrap list: the DHT node is built with it, and every contact is on loopback', async () => {
    for (const node of [a, b]) {
      const running = node.dht.dht();
      expect(running?.bootstrap).toEqual([`127.0.0.1:${router.port}`]);
      const view = await dhtView(node);
      expect(view).toMatchObject({ enabled: true, state: 'on', mode: 'private', bootstrap: [`127.0.0.1:${router.port}`] });
      expect(view.port).toBe(running?.port);
    }
    await pollUntil(async () => (await dhtView(a)).nodes >= 1 && (await dhtView(b)).nodes >= 1, 'both nodes to know the DHT');
    const contacts = [a, b].flatMap((n) => n.dht.dht()?.contacts() ?? []).concat(router.contacts());
    expect(contacts.length).toBeGreaterThan(0);
    expect(contacts.filter((c) => !c.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('B downloads A\'s file by id through the DHT; a peer the DHT names falsely is only a failed source', async () => {
    await pollUntil(async () => (await a.client.listFiles()).total === 1, 'A to hash its file');
    await pollUntil(async () => (await dhtView(a)).announced === 1, 'A to announce its file', 15_000);
    // A false claim: the router announces, for the same file, a peer that does not have it.
    await router.announce(content.id, liar.port);

    // No index server is known to B: neither configured, added, nor on the LAN.
    expect((await b.client.getIndexConnection()).servers).toEqual([]);

    // A shoal:// link (GET /network/files/{id}) opens with the sources the DHT gave, checked.
    const opened = await b.client.getNetworkFile({ params: { fileId: content.id } });
    expect(opened).toMatchObject({ id: content.id, name: 'film.bin', size: content.data.length, sourceCount: 1 });
    expect(opened.sources.map((s) => s.url)).toEqual([`http://127.0.0.1:${a.port}/api/v1/download/${content.id}`]);
    expect(opened.sources[0]?.peerId).toBe(a.id);

    const started = await startDownload(b, { fileId: content.id });
    const done = await waitForDownload(b, started.id, 'completed', 30_000);
    expect(done.name).toBe('film.bin');
    expect(sha256(await readFile(done.path!))).toBe(sha256(content.data));
    // The liar was never a source: it was asked and said it does not have the file.
    expect(done.sources.map((s) => s.url)).toEqual([`http://127.0.0.1:${a.port}/api/v1/download/${content.id}`]);
    // Encryption is on by default: A proved over TLS the id it claims, so the source carries it.
    expect(done.sources[0]?.peerId).toBe(a.id);
    expect(done.sources[0]?.bytes).toBe(content.data.length);
  }, 60_000);

  it('with encryption off, a DHT source\u2019s node id is only a claim: none is recorded', async () => {
    const plain = await startTestNode({ dht: { enabled: true, bootstrap: [`127.0.0.1:${router.port}`] }, security: { enable_encryption: false } });
    try {
      const started = await startDownload(plain, { fileId: content.id });
      const done = await waitForDownload(plain, started.id, 'completed', 30_000);
      expect(sha256(await readFile(done.path!))).toBe(sha256(content.data));
      expect(done.sources.map((s) => [s.url, s.peerId])).toEqual([[`http://127.0.0.1:${a.port}/api/v1/download/${content.id}`, null]]);
    } finally {
      await plain.destroy();
    }
  }, 60_000);

  it('shoal get <id> --dht downloads it with no index server (the config names the private DHT)', async () => {
    const work = await makeTempDir();
    try {
      const config = join(work.path, 'config.yaml');
      await writeFile(config, `data_directory: ${join(work.path, 'data')}\npeer:\n  host: 127.0.0.1\n  lan_discovery: false\ndht:\n  bootstrap: ["127.0.0.1:${router.port}"]\n`);
      let stdout = '';
      let stderr = '';
      const code = await getCommand(content.id, { dht: true, config, output: work.path }, {
        env: {}, cwd: work.path, homedir: work.path, platform: process.platform, hostname: 'test',
        stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) },
        signals: { once: () => undefined, off: () => undefined },
      });
      expect(code, stderr).toBe(0);
      const path = stdout.trim();
      expect(path).toBe(join(work.path, 'film.bin'));
      expect(sha256(await readFile(path))).toBe(sha256(content.data));
      // Without --dht (and dht.enabled off) there is nowhere to look: it says what to give.
      const without = await getCommand(content.id, { config, output: work.path, force: true }, {
        env: {}, cwd: work.path, homedir: work.path, platform: process.platform, hostname: 'test',
        stdout: { write: () => undefined }, stderr: { write: (t: string) => (stderr = t) },
        signals: { once: () => undefined, off: () => undefined },
      });
      expect(without).toBe(1);
      expect(stderr).toMatch(/--dht/);
    } finally {
      await work.remove();
    }
  }, 60_000);

  it('a device this node blocks is no source, though the DHT names it and it proves its id (the proven id is what is checked)', async () => {
    const c = await startTestNode({ dht: { enabled: true, bootstrap: [`127.0.0.1:${router.port}`] } });
    try {
      const setDevice = (deviceId: string, state: 'blocked' | 'none') => c.client.setDeviceState({ params: { deviceId }, body: { state } });
      // A and B (which shares what it downloaded, and may have announced it by now) both blocked: no source at all.
      await setDevice(a.id, 'blocked');
      await setDevice(b.id, 'blocked');
      await expect(c.client.getNetworkFile({ params: { fileId: content.id } })).rejects.toMatchObject({ status: 404 });
      await expect(c.client.startDownload({ body: { fileId: content.id } })).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/DHT/) });
      // A unblocked, the same DHT answer has it as a source again (B still left out): it was the block.
      await setDevice(a.id, 'none');
      const opened = await c.client.getNetworkFile({ params: { fileId: content.id } });
      expect(opened.sources.map((s) => s.peerId)).toEqual([a.id]);
    } finally {
      await c.destroy();
    }
  }, 60_000);

  it('a lying DHT peer named first does not decide the size: the size most sources give does; what one says is shown bounded', async () => {
    const real = await a.client.getFile({ params: { fileId: content.id } });
    // Named first, it says the file is another size: alone against two, it is left out.
    const liarPeer = await fakePeer({ ...real, size: real.size + 1, name: 'liar.bin' });
    // Agrees on the size, but says everything else at length.
    const verbose = await fakePeer({ ...real, name: 'n'.repeat(5000), names: ['m'.repeat(5000)], mime: 'x'.repeat(5000), tags: Array.from({ length: 500 }, (_, i) => `${i}`.repeat(100)), sharedAt: 's'.repeat(5000) });
    try {
      const named = [liarPeer.port, verbose.port, a.port].map((port) => ({ host: '127.0.0.1', port }));
      const o: DhtFinderOptions = { dht: () => ({ lookup: () => Promise.resolve(named), nodeCount: () => named.length }) as unknown as DhtNode, selfPeerId: null, peersPerLookup: 20 };
      const url = (port: number) => `http://127.0.0.1:${port}/api/v1/download/${content.id}`;
      const found = await dhtSourceFinder(o).find(content.id, null);
      expect(found.meta?.size).toBe(content.data.length);
      expect(found.sources.map((s) => s.url)).toEqual([url(verbose.port), url(a.port)]);
      expect(found.meta?.name.length).toBe(1024);

      const file = await dhtNetworkFile(o, content.id);
      expect(file).toMatchObject({ size: content.data.length, sourceCount: 2 });
      expect(file?.sources.map((s) => s.url)).toEqual([url(verbose.port), url(a.port)]);
      expect(file?.name.length).toBe(1024);
      expect(Math.max(...(file?.names ?? []).map((n) => n.length))).toBe(1024);
      expect(file?.mime.length).toBe(255);
      expect(file?.tags.length).toBe(64);
      expect(Math.max(...(file?.tags ?? []).map((t) => t.length))).toBe(40);
      expect(file?.firstSeen.length).toBeLessThanOrEqual(64);
    } finally {
      liarPeer.server.close();
      verbose.server.close();
    }
  });

  it('searching by words still needs an index server, and the answer says what works without one', async () => {
    await expect(b.client.searchNetwork({ query: { q: 'film' } })).rejects.toMatchObject({
      status: 503, code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/Searching by words needs an index server; a file id or a shoal:\/\/ link/),
    });
  });

  it('a file nobody announced is a clear "not found", after asking the DHT', async () => {
    const unknown = randomContent(1000).id;
    // The client's message is "<host> answered <status> <code>: <the node's message>".
    await expect(b.client.getNetworkFile({ params: { fileId: unknown } })).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/: Neither the index servers nor the DHT know a source of this file\.$/) });
    await expect(b.client.startDownload({ body: { fileId: unknown } })).rejects.toMatchObject({ status: 404, code: 'FILE_NOT_FOUND', message: expect.stringMatching(/DHT/) });
  });
});

describe('the DHT is bounded', () => {
  const logger = pino({ level: 'silent' });

  it('a lookup keeps at most the peers asked for', async () => {
    const router = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [], logger });
    const nodes = [router];
    try {
      for (let i = 0; i < 3; i++) nodes.push(await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [`127.0.0.1:${router.port}`], logger }));
      await Promise.all(nodes.map((n) => n.whenReady()));
      const id = randomContent(100).id;
      for (const port of [1001, 1002, 1003]) await nodes[1]!.announce(id, port);
      expect((await nodes[2]!.lookup(id)).map((p) => p.port).sort()).toEqual([1001, 1002, 1003]);
      expect(await nodes[3]!.lookup(id, { maxPeers: 2 })).toHaveLength(2);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it(`runs ${MAX_LOOKUPS_AT_ONCE} lookups at once, lets ${MAX_LOOKUPS_WAITING} wait, refuses more; closing ends them all`, async () => {
    // Its only contact never answers, so every lookup runs until its deadline (or the close).
    const lonely = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: ['127.0.0.1:9'], logger });
    const id = randomContent(100).id;
    const lookups = Array.from({ length: MAX_LOOKUPS_AT_ONCE + MAX_LOOKUPS_WAITING + 1 }, () => lonely.lookup(id).then(
      (peers) => ({ peers }),
      (err: unknown) => ({ err: err as { code?: string } }),
    ));
    const last = await lookups[lookups.length - 1];
    expect(last).toMatchObject({ err: { code: 'SERVICE_UNAVAILABLE' } });
    await lonely.close();
    const settled = await Promise.all(lookups.slice(0, -1));
    // The running ones end with what they had (nothing); the waiting ones are told the DHT stopped.
    expect(settled.filter((r) => 'peers' in r && r.peers.length === 0)).toHaveLength(MAX_LOOKUPS_AT_ONCE);
    expect(settled.filter((r) => 'err' in r && r.err.code === 'SERVICE_UNAVAILABLE')).toHaveLength(MAX_LOOKUPS_WAITING);
  });

  it('drops the peers a DHT node names that cannot be one (unspecified, multicast, broadcast), and loopback ones unless bound to loopback', async () => {
    const named: [string, number][] = [['0.0.0.0', 4001], ['0.1.2.3', 4002], ['224.0.0.1', 4003], ['239.255.255.250', 4004], ['255.255.255.255', 4005], ['127.0.0.1', 4006], ['127.8.9.10', 4007], ['10.1.2.3', 4008]];
    const liarDht = await lyingDhtNode(named);
    const nodes: DhtNode[] = [];
    try {
      const id = randomContent(100).id;
      const found = async (host: string) => {
        const node = await DhtNode.start({ port: 0, host, bootstrap: [`127.0.0.1:${liarDht.port}`], logger });
        nodes.push(node);
        await node.whenReady();
        return (await node.lookup(id)).map((p) => `${p.host}:${p.port}`).sort();
      };
      // On loopback (a private DHT on one machine): its loopback peers are its own.
      expect(await found('127.0.0.1')).toEqual(['10.1.2.3:4008', '127.0.0.1:4006', '127.8.9.10:4007']);
      // Bound beyond loopback: a loopback peer is a stranger pointing this node at itself.
      expect(await found('0.0.0.0')).toEqual(['10.1.2.3:4008']);
      // An IPv6 host (the CLI passes peer.host as it is): ::1 binds IPv4 loopback, :: every IPv4 interface.
      expect(await found('::1')).toEqual(['10.1.2.3:4008', '127.0.0.1:4006', '127.8.9.10:4007']);
      expect(await found('::')).toEqual(['10.1.2.3:4008']);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
      await liarDht.close();
    }
  });

  it('a UDP port already in use is the switch\u2019s error, not a failed node', async () => {
    const router = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [], logger });
    const node = await startTestNode({ dht: { enabled: true, port: router.port, bootstrap: [`127.0.0.1:${router.port}`] } });
    try {
      const view = await dhtView(node);
      expect(view).toMatchObject({ enabled: true, state: 'failed', port: null });
      expect(view.lastError).toMatch(new RegExp(`UDP port ${router.port} is already in use`));
      expect((await node.publicClient.getInfo()).id).toBe(node.id);
    } finally {
      await node.destroy();
      await router.close();
    }
  });
});
