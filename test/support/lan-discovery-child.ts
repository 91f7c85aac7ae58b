// A separate process for the LAN discovery test (run inside a network namespace with
// `node --import tsx`): advertises an index server or browses for them, prints JSON lines on
// stdout, and stops cleanly when it reads "stop" on stdin.
//   advertise <port> <indexId> <name>
//   browse                (SHOAL_MDNS_REFRESH_MS, SHOAL_MDNS_STALE_MS tune the re-query)
import { createInterface } from 'node:readline';
import { advertiseIndex, browseIndexes } from '../../src-main/core/index-client/lan-discovery.js';

const print = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj: unknown, msg?: string) => process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

const [mode, ...args] = process.argv.slice(2);
let stop: () => Promise<void>;
if (mode === 'advertise') {
  const [port, indexId, name] = args;
  const handle = advertiseIndex({ port: Number(port), indexId: indexId ?? 'no-id', name: name ?? 'no name' }, { logger });
  stop = () => handle.stop();
  print({ event: 'advertising' });
} else if (mode === 'browse') {
  const refreshMs = Number(process.env.SHOAL_MDNS_REFRESH_MS ?? 60_000);
  const staleAfterMs = Number(process.env.SHOAL_MDNS_STALE_MS ?? refreshMs * 3);
  const handle = browseIndexes((list) => print({ event: 'list', list }), { logger, refreshMs, staleAfterMs });
  stop = () => handle.stop();
  print({ event: 'browsing' });
} else {
  process.stderr.write(`unknown mode ${mode ?? ''}\n`);
  process.exit(2);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stop') return;
  void stop().then(() => {
    print({ event: 'stopped' });
    process.exit(0);
  });
});
