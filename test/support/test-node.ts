// Starts a real node (real ports, SQLite file, worker pool, watcher) in temporary folders.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createConfigSchema } from '../../src-main/core/config/config-schema.js';
import type { DownloadTiming } from '../../src-main/core/downloads/download.js';
import { startNode, type RunningNode } from '../../src-main/core/node/shoal-node.js';
import type { ContractApi } from '../../src-shared/api/contract-client.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { makeTempDir } from './temp-dir.js';
import { typedClient } from './typed-client.js';

export interface TestNode extends RunningNode {
  root: string;
  sharedDir: string;
  downloadDir: string;
  dataDir: string;
  /** The node's API as typed methods, with the control token (typed-client.ts). */
  client: ContractApi<typeof peerRoutes>;
  /** The same without the token: what a stranger or another peer gets. */
  publicClient: ContractApi<typeof peerRoutes>;
  /** fetch against the node, with the control token unless `auth: false` (for what the contract cannot say: raw bytes, bad input). */
  api(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  json<T = unknown>(path: string, init?: RequestInit & { auth?: boolean }): Promise<T>;
  /** Stops the node and deletes its folders. */
  destroy(): Promise<void>;
}

export interface TestNodeOptions {
  root?: string;
  peer?: Record<string, unknown>;
  superPeer?: Record<string, unknown>;
  transfers?: Record<string, unknown>;
  security?: Record<string, unknown>;
  dht?: Record<string, unknown>;
  /** Default: short stall and retry times, so tests do not wait for the real ones. */
  downloadTiming?: Partial<DownloadTiming>;
  /** Default: `<root>/data`. */
  dataDir?: string;
  /** Default: silent. */
  logger?: Logger;
}

export async function startTestNode(options: TestNodeOptions = {}): Promise<TestNode> {
  const temp = options.root ? undefined : await makeTempDir();
  const root = options.root ?? (temp as { path: string }).path;
  const sharedDir = join(root, 'shared');
  const dataDir = options.dataDir ?? join(root, 'data');
  const downloadDir = join(root, 'downloads');
  await mkdir(sharedDir, { recursive: true });
  const config = createConfigSchema({ dataDirectory: dataDir, sharedDirectory: sharedDir, downloadDirectory: downloadDir, name: 'test-node' }).parse({
    data_directory: dataDir,
    peer: { port: 0, host: '127.0.0.1', shared_directory: sharedDir, lan_discovery: false, ...options.peer },
    super_peer: { port: 0, ...options.superPeer },
    transfers: { ...options.transfers },
    security: { ...options.security },
    dht: { ...options.dht },
  });
  const downloadTiming = { stallMs: 2_000, findRetryMs: 300, sourceRefreshMs: 1_000, checkpointMs: 200, ...options.downloadTiming };
  const node = await startNode({ config, logger: options.logger ?? pino({ level: 'silent' }), hashWorkers: 2, writeSettleMs: 150, downloadTiming });
  const api = (path: string, init: RequestInit & { auth?: boolean } = {}) => {
    const { auth = true, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth) headers.set('authorization', `Bearer ${node.token}`);
    return fetch(node.url + path, { ...rest, headers });
  };
  return Object.assign(node, {
    root, sharedDir, dataDir, downloadDir: config.peer.download_directory, api,
    client: typedClient(peerRoutes, node.url, node.token), publicClient: typedClient(peerRoutes, node.url),
    json: async <T>(path: string, init?: RequestInit & { auth?: boolean }) => (await (await api(path, init)).json()) as T,
    destroy: async () => {
      await node.stop();
      await temp?.remove();
    },
  });
}
