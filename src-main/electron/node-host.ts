// Runs the core node inside the desktop app: the same node `shoal serve` runs, with the app's
// user-data folder and the folders and ports the user chose. Changing one restarts it (a moment).
import type { Logger } from 'pino';
import { ShoalError } from '../../src-shared/errors.js';
import { ignoredSettingMessage, loadConfig, type ConfigFlags } from '../core/config/load-config.js';
import type { BusEvent, EventBus } from '../core/events/event-bus.js';
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

type NodeEvents = RunningNode['bus'] extends EventBus<infer M> ? M : never;

export class NodeHost {
  private node: RunningNode | null = null;
  private unsubscribeBus = () => {};
  private readonly listeners = new Set<(event: BusEvent<NodeEvents>) => void>();

  constructor(private readonly o: NodeHostOptions) {}

  get current(): RunningNode {
    // Between a settings change's stop and start, calls get a clear "try again", not a crash.
    if (!this.node) throw new ShoalError('SERVICE_UNAVAILABLE', 'Shoal is restarting with the new settings; try again in a moment.');
    return this.node;
  }

  /** Every event of the running node, across restarts; returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent<NodeEvents>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the node knows a file at this path (shared, or a finished download). */
  knows(path: string): boolean {
    return this.current.library.hasLocation(path) || this.current.downloads.list().some((d) => d.path === path);
  }

  async start(choices: NodeChoices): Promise<RunningNode> {
    const flags: ConfigFlags = {
      data: this.o.dataDirectory, shared: choices.sharedDirectory, downloads: choices.downloadDirectory,
      port: choices.peerPort, indexPort: choices.indexPort,
    };
    const config = loadConfig({
      ...this.o, cwd: this.o.homedir, flags,
      onIgnored: (setting) => this.o.logger.warn({ key: setting.key, source: setting.source }, ignoredSettingMessage(setting)),
    });
    let node: RunningNode;
    try {
      node = await startNode({ config, logger: this.o.logger });
    } catch (err) {
      // Another program (or a `shoal serve`) holds the usual port: any free one works for a desktop peer.
      if (!(err instanceof ShoalError && err.code === 'PORT_IN_USE')) throw err;
      this.o.logger.warn({ port: config.peer.port }, 'the peer port is taken; using a free one');
      node = await startNode({ config: { ...config, peer: { ...config.peer, port: 0 } }, logger: this.o.logger });
    }
    this.node = node;
    // One subscription per node, dropped with it: listeners outlive the restarts.
    this.unsubscribeBus = node.bus.subscribe((event) => {
      for (const listener of this.listeners) listener(event);
    });
    return node;
  }

  async restart(choices: NodeChoices): Promise<RunningNode> {
    await this.stop();
    return this.start(choices);
  }

  async stop(): Promise<void> {
    const node = this.node;
    this.node = null;
    this.unsubscribeBus();
    await node?.stop();
  }
}
