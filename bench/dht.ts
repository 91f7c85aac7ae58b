// Sources without an index server (issue 15): a private DHT of 20 nodes on loopback (the
// `bittorrent-dht` nodes Shoal runs, `src-main/core/dht/dht-node.ts`), bootstrapped from the first;
// one node announces a file, then every other node looks it up. Figures: how long the DHT takes to
// form, one announce, and the time until a lookup has the source (median and worst of 19), each
// lookup from a different node. No public bootstrap node is contacted: every node's routing table
// holds only 127.0.0.1 contacts, checked at the end.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { DhtNode } from '../src-main/core/dht/dht-node.js';
import { type Figure, log } from './support.js';

const NODES = Number(process.env.SHOAL_BENCH_DHT_NODES ?? 20);
const ANNOUNCED_PORT = 4242;

export async function benchDht(): Promise<Figure[]> {
  const logger = pino({ level: 'silent' });
  const nodes: DhtNode[] = [];
  try {
    const formStart = performance.now();
    const first = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [], logger });
    nodes.push(first);
    for (let i = 1; i < NODES; i++) nodes.push(await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [`127.0.0.1:${first.port}`], logger }));
    await Promise.all(nodes.map((n) => n.whenReady()));
    const formMs = performance.now() - formStart;
    log(`dht: ${NODES} nodes formed in ${formMs.toFixed(0)} ms; routing tables ${nodes.map((n) => n.nodeCount()).join(',')}`);

    const fileId = randomBytes(32).toString('hex');
    const announcer = nodes[Math.floor(NODES / 2)] as DhtNode;
    const announceStart = performance.now();
    await announcer.announce(fileId, ANNOUNCED_PORT);
    const announceMs = performance.now() - announceStart;

    const times: number[] = [];
    for (const node of nodes) {
      if (node === announcer) continue;
      const t = performance.now();
      const peers = await node.lookup(fileId, { maxPeers: 1 });
      const ms = performance.now() - t;
      if (!peers.some((p) => p.host === '127.0.0.1' && p.port === ANNOUNCED_PORT)) throw new Error(`a node did not find the announced source (found ${JSON.stringify(peers)})`);
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    const worst = times[times.length - 1] ?? 0;
    // What a download waits for: a lookup as the source finder makes it (up to 20 peers, ends
    // when the DHT has been walked or a little after the first peer).
    const walks: number[] = [];
    for (const node of nodes) {
      if (node === announcer) continue;
      const t = performance.now();
      await node.lookup(fileId);
      walks.push(performance.now() - t);
    }
    walks.sort((a, b) => a - b);
    const walkMedian = walks[Math.floor(walks.length / 2)] ?? 0;
    const foreign = nodes.flatMap((n) => n.contacts()).filter((c) => !c.startsWith('127.0.0.1:'));
    if (foreign.length > 0) throw new Error(`a routing table holds a contact off loopback: ${foreign.join(', ')}`);
    log(`dht: announce ${announceMs.toFixed(1)} ms; first source median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms; whole lookup median ${walkMedian.toFixed(1)} ms`);
    return [
      { figure: `dht: ${NODES} loopback nodes formed (all bootstrapped)`, shoal: `${formMs.toFixed(0)} ms`, reference: '-', ratio: '-', aim: '-' },
      { figure: 'dht: one announce (lookup + announce_peer)', shoal: `${announceMs.toFixed(1)} ms`, reference: '-', ratio: '-', aim: '-' },
      {
        figure: `dht: source found by another node (median of ${times.length})`, shoal: `${median.toFixed(1)} ms`, reference: '-', ratio: '-', aim: '< 2 s',
        met: worst < 2000, note: `worst ${worst.toFixed(1)} ms; every lookup from a different node, each found the announced source`,
      },
      { figure: `dht: a whole lookup as a download makes it (median of ${walks.length})`, shoal: `${walkMedian.toFixed(1)} ms`, reference: '-', ratio: '-', aim: '-', note: `worst ${(walks[walks.length - 1] ?? 0).toFixed(1)} ms` },
    ];
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
  }
}
