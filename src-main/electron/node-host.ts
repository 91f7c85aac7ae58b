// Runs the core node inside the desktop app: the same node `shoal serve` runs, with the app's
// user-data folder and the folders and ports the user chose. Changing one restarts it (a moment).
import type { Logger } from 'pino';
import { ShoalError } from '../../src-shared/errors.js';
import { loadConfig, type ConfigFlags } from '../core/config/load-config.js';
import { startNode, type RunningNode } from '../core/node/shoal-node.js';
import type { NodeChoices } from './desktop-settings.js';

export interface NodeHostOptions {
  dataDirectory: string;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  homedir: string;
  platform: NodeJS.Platform;
  hostname: string;
}

export class NodeHost {
  private node: RunningNode | null = null;
  private readonly listeners = new Set<(node: RunningNode) => void>();

  constructor(private readonly o: NodeHostOptions) {}

  get current(): RunningNode {
    // Between a settings change's stop and start, calls get a clear "try again", not a crash.
    if (!this.node) throw new ShoalError('SERVICE_UNAVAILABLE', 'Shoal is restarting with the new settings; try again in a moment.');
    return this.node;
  }

  /** Called with each node started (the first, and after every restart). */
  onStart(listener: (node: RunningNode) => void): void {
    this.listeners.add(listener);
  }

  async start(choices: NodeChoices): Promise<RunningNode> {
    const flags: ConfigFlags = {
      data: this.o.dataDirectory, shared: choices.sharedDirectory, downloads: choices.downloadDirectory,
      port: choices.peerPort, indexPort: choices.indexPort,
    };
    const config = loadConfig({ ...this.o, cwd: this.o.homedir, flags });
    let node: RunningNode;
    try {
      node = await startNode({ config, logger: this.o.logger });
    } catch (err) {
      // Another program (or a `shoal serve`) holds the usual port: any free one works for a desktop peer.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      this.o.logger.warn({ port: config.peer.port }, 'the peer port is taken; using a free one');
      node = await startNode({ config: { ...config, peer: { ...config.peer, port: 0 } }, logger: this.o.logger });
    }
    this.node = node;
    for (const listener of this.listeners) listener(node);
    return node;
  }

  async restart(choices: NodeChoices): Promise<RunningNode> {
    await this.stop();
    return this.start(choices);
  }

  async stop(): Promise<void> {
    const node = this.node;
    this.node = null;
    await node?.stop();
  }
}
