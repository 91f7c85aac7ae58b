// Which index servers a terminal command asks: the one given with --index, else the configured
// ones (peer.super_peer_address), else those advertising themselves on the LAN (mDNS).
import type { Logger } from 'pino';
import type { NodeConfig } from '../core/config/config-schema.js';
import { splitIndexAddress } from '../../src-shared/api/index-address.js';
import { mdnsLanDiscovery } from '../core/index-client/lan-discovery.js';
import { pollUntilFound } from './poll-until-found.js';

const LAN_WAIT_MS = 2_000;

export async function indexAddresses(flag: string | undefined, config: NodeConfig, logger: Logger): Promise<string[]> {
  if (flag) return [flag];
  // Their ids (host:port#NODEID) are the terminal's dialer's business (terminal-commands.ts).
  if (config.peer.super_peer_address.length > 0) return config.peer.super_peer_address.map((a) => splitIndexAddress(a).address);
  if (!config.peer.lan_discovery) return [];
  const browsing = mdnsLanDiscovery({ logger }).browseIndexes();
  try {
    return await pollUntilFound(() => browsing.list().map((found) => found.address), LAN_WAIT_MS);
  } finally {
    await browsing.stop();
  }
}
