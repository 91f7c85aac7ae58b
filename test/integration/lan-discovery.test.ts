// LAN discovery for real: an index server advertised by one process is found by another, over
// multicast DNS. The two processes run in two network namespaces made for this test and joined by
// a veth pair (addresses only inside them), so no multicast leaves them: this needs root and `ip`.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addressOf, noLanDiscovery, type DiscoveredIndex } from '../../src-main/core/index-client/lan-discovery.js';
import { pollUntil } from '../support/poll.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('../support/lan-discovery-child.ts', import.meta.url));

const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.slice(-6);
const nsA = `shoal-lan-a-${tag}`;
const nsB = `shoal-lan-b-${tag}`;
const vethA = `shl${tag}a`; // interface names: at most 15 characters
const vethB = `shl${tag}b`;
const subnet = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
const addressA = `${subnet}.1`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function removeNetwork(): void {
  for (const ns of [nsA, nsB]) {
    try {
      ip('netns', 'delete', ns); // deleting a namespace deletes its end of the veth, and so the pair
    } catch {
      // not there
    }
  }
}

/** Two namespaces joined by a veth pair, with a multicast route on each end. */
function makeNetwork(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'creating network namespaces needs root' };
  try {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    ip('link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB);
    ip('link', 'set', vethA, 'netns', nsA);
    ip('link', 'set', vethB, 'netns', nsB);
    for (const [ns, dev, host] of [[nsA, vethA, 1], [nsB, vethB, 2]] as const) {
      ip('-n', ns, 'addr', 'add', `${subnet}.${host}/24`, 'dev', dev);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev);
    }
    return { ok: true };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    removeNetwork();
    return { ok: false, reason: `cannot create network namespaces (${stderr || (err as Error).message})` };
  }
}

const network = makeNetwork();
if (!network.ok) console.warn(`lan-discovery: skipping the multicast tests: ${network.reason}`);
const skipReason = network.ok ? '' : ` [skipped: ${network.reason}]`;

interface Child {
  process: ChildProcessWithoutNullStreams;
  events: { event: string; list?: DiscoveredIndex[] }[];
  latest(): DiscoveredIndex[] | undefined;
  stop(): Promise<void>;
}

const children: Child[] = [];

function startChild(ns: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', childScript, ...args], {
    cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: Child['events'] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Child['events'][number]);
    } catch {
      // not ours
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: Child = {
    process: child,
    events,
    latest: () => [...events].reverse().find((e) => e.event === 'list')?.list,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.write('stop\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') events.push({ event: `exited ${code ?? signal}: ${stderr}` });
  });
  children.push(handle);
  return handle;
}

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
});

afterAll(() => {
  if (network.ok) removeNetwork();
});

describe('LAN discovery over multicast DNS, between two network namespaces', () => {
  it.skipIf(!network.ok)(`an advertised index server appears in another process, and goes away on a clean stop${skipReason}`, async () => {
    // A long staleness time: only the goodbye can make it disappear quickly.
    const browser = startChild(nsB, ['browse'], { SHOAL_MDNS_REFRESH_MS: '60000', SHOAL_MDNS_STALE_MS: '600000' });
    await pollUntil(() => browser.events.some((e) => e.event === 'browsing'), 'the browser to start', 15_000);
    const advertiser = startChild(nsA, ['advertise', '8123', 'index-id-one', 'Office index']);

    const list = await pollUntil(() => (browser.latest()?.length ? browser.latest() : undefined), 'the index to be discovered', 15_000);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ address: `${addressA}:8123`, indexId: 'index-id-one', name: 'Office index' });
    expect(Date.parse(list[0]?.seenAt ?? '')).toBeGreaterThan(Date.now() - 60_000);

    await advertiser.stop();
    expect(advertiser.events.some((e) => e.event === 'stopped')).toBe(true);
    await pollUntil(() => browser.latest()?.length === 0, 'the index to go away', 5_000);
  });

  it.skipIf(!network.ok)(`an index server that vanishes without a goodbye is dropped once stale${skipReason}`, async () => {
    const browser = startChild(nsB, ['browse'], { SHOAL_MDNS_REFRESH_MS: '400', SHOAL_MDNS_STALE_MS: '1500' });
    await pollUntil(() => browser.events.some((e) => e.event === 'browsing'), 'the browser to start', 15_000);
    const advertiser = startChild(nsA, ['advertise', '8124', 'index-id-two', 'Crashy index']);
    await pollUntil(() => browser.latest()?.some((i) => i.indexId === 'index-id-two'), 'the index to be discovered', 15_000);
    // Still listed across several re-queries while it answers them.
    const listedAt = Date.now();
    await pollUntil(() => Date.now() - listedAt > 2_000 || undefined, 'two seconds of answers', 5_000, 100);
    expect(browser.latest()?.some((i) => i.indexId === 'index-id-two')).toBe(true);

    advertiser.process.kill('SIGKILL'); // no goodbye
    await pollUntil(() => browser.latest()?.length === 0, 'the silent index to be dropped', 10_000);
  });
});

describe('LAN discovery without multicast', () => {
  it('noLanDiscovery advertises nothing and finds nothing', async () => {
    const advert = noLanDiscovery.advertiseIndex({ port: 1, indexId: 'x', name: 'x' });
    const browsing = noLanDiscovery.browseIndexes(() => {
      throw new Error('never called');
    });
    expect(browsing.list()).toEqual([]);
    await advert.stop();
    await browsing.stop();
  });

  it('prefers the IPv4 address the answer came from, then any IPv4 of the record', () => {
    expect(addressOf({ port: 80, addresses: ['fe80::1', '192.168.1.5', '10.0.0.5'], referer: { address: '10.0.0.5', family: 'IPv4', port: 5353, size: 1 } })).toBe('10.0.0.5:80');
    expect(addressOf({ port: 80, addresses: ['fe80::1', '192.168.1.5'], referer: { address: 'fe80::1', family: 'IPv6', port: 5353, size: 1 } })).toBe('192.168.1.5:80');
    expect(addressOf({ port: 80, addresses: [], referer: { address: '10.1.2.3', family: 'IPv4', port: 5353, size: 1 } })).toBe('10.1.2.3:80');
    expect(addressOf({ port: 80, addresses: ['fd00::5'] })).toBe('[fd00::5]:80');
    expect(addressOf({ port: 80, addresses: [] })).toBeUndefined();
  });
});
