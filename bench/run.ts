// `npm run bench`: runs each benchmark in turn and prints one table of figures (stdout) with
// progress on stderr. `npm run bench -- hashing rescan` runs only the named ones.
// Loopback only; every file lives in one folder under os.tmpdir(), removed at the end.
import { availableParallelism, cpus, totalmem } from 'node:os';
import { abuse } from './abuse.js';
import { benchFederation } from './federation.js';
import { benchDht } from './dht.js';
import { downloadThroughput } from './download-throughput.js';
import { hashingThroughput } from './hashing-throughput.js';
import { idleMemory } from './idle-memory.js';
import { benchRegistration } from './registration.js';
import { rescan } from './rescan.js';
import { serveThroughput } from './serve-throughput.js';
import { benchSearch } from './search.js';
import { type Figure, cleanUp, log, seconds, waitForQuiet } from './support.js';

const BENCHMARKS: { name: string; run: () => Promise<Figure[]> }[] = [
  { name: 'hashing', run: hashingThroughput },
  { name: 'rescan', run: rescan },
  { name: 'serve', run: serveThroughput },
  { name: 'memory', run: idleMemory },
  { name: 'search', run: benchSearch },
  { name: 'download', run: downloadThroughput },
  { name: 'abuse', run: abuse },
  { name: 'federation', run: benchFederation },
  { name: 'dht', run: benchDht },
  { name: 'registration', run: benchRegistration },
];

function table(rows: Figure[]): string {
  const header = ['figure', 'Shoal', 'reference', 'ratio', 'aim', 'met'];
  const cells = rows.map((r) => [r.figure, r.shoal, r.reference, r.ratio, r.aim, r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((text, i) => text.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    process.exit(2);
  }
  const selected = wanted.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => wanted.includes(b.name));
  const started = performance.now();
  const rows: Figure[] = [];
  let failed = false;
  const loads: string[] = [];
  for (const benchmark of selected) {
    const load = await waitForQuiet();
    const busy = `${(load * 100).toFixed(0)}%`;
    log(`${benchmark.name}: machine ${busy} busy before it started${load >= 0.15 ? ' (still busy after waiting 90 s for it to quieten: figures may be low)' : ''}`);
    loads.push(`${benchmark.name} ${busy}`);
    const t = performance.now();
    try {
      rows.push(...(await benchmark.run()));
      log(`${benchmark.name} done in ${seconds(performance.now() - t)}`);
    } catch (err) {
      failed = true;
      log(`${benchmark.name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      rows.push({ figure: `${benchmark.name}: failed`, shoal: '-', reference: '-', ratio: '-', aim: '-', met: false, note: String(err) });
    }
  }
  cleanUp();

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`\nShoal benchmarks, ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${seconds(performance.now() - started)} in all\n`);
  process.stdout.write(`CPU busy (all cores, other processes) in the second before each benchmark (each waits up to 90 s for < 15%): ${loads.join(', ')}\n\n`);
  process.stdout.write(`${table(rows)}\n\n`);
  for (const row of rows) if (row.note) process.stdout.write(`- ${row.figure}: ${row.note}\n`);
  if (failed) process.exitCode = 1;
}

await main();
