// What `shoal serve` prints once the node is up, before any log line: where to open it, which
// ports it holds and what it shares. The first two lines keep their shape: scripts read them.
import type { IndexRoleView } from '../../src-shared/api/peer-routes.js';
import type { DhtSettingsView } from '../../src-shared/api/dht.js';
import type { NodeConfig } from '../core/config/config-schema.js';

export interface StartFacts {
  controlUrl: string;
  port: number;
  indexRole: IndexRoleView;
  config: NodeConfig;
  /** Sources without an index server (the DHT); the line is left out without it. */
  dht?: DhtSettingsView;
}

function dhtLine(dht: DhtSettingsView): string {
  if (dht.state === 'failed') return `not running: ${dht.lastError ?? 'unknown error'}`;
  if (!dht.enabled) return 'off (dht.enabled or Settings \u2192 "Find and offer sources without an index server" turns it on)';
  const where = dht.mode === 'private' ? `the private DHT of ${dht.bootstrap.join(', ')}` : 'the public BitTorrent DHT';
  return `UDP ${dht.port ?? '-'}, on ${where}: shared files are announced there`;
}

export function startSummary({ controlUrl, port, indexRole, config, dht }: StartFacts): string {
  const index = indexRole.state === 'on' && indexRole.port !== null
    ? `${indexRole.port} (this node is an index server too)`
    : indexRole.lastError
      ? `not running: ${indexRole.lastError}`
      : 'off (--index or Settings \u2192 "Run as index server" turns it on)';
  const lines = [
    config.peer.share ? `Shoal is sharing ${config.peer.shared_directory}` : 'Shoal is running as an index server only (--no-share)',
    `Open the app: ${controlUrl}`,
    `  peer port    ${port} (listening on ${config.peer.host})`,
    `  index port   ${index}`,
    ...(dht ? [`  dht          ${dhtLine(dht)}`] : []),
    `  downloads    ${config.peer.download_directory}`,
    `  data         ${config.data_directory}`,
    'Press Ctrl-C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}
