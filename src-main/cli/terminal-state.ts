// What the terminal commands keep between runs in their state folder (`shoal get --data DIR`, else
// <data>/terminal): the node key they prove themselves with over TLS, and the folder's database,
// which holds `shoal get`'s resume state and the index servers' pins (node state `indexPins`, as a
// node keeps them: net/index-pins.ts). So a second command refuses an index address that now
// proves another id, as a node does after a restart, until `shoal forget-index` forgets its pin.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../core/store/database.js';
import { isDiskFull } from '../core/store/disk-full.js';
import { NodeState } from '../core/store/node-state.js';

export class TerminalState {
  private db: Db | undefined;

  constructor(readonly directory: string) {}

  /** The folder's database, opened once for the command (made, with the folder, on first use). */
  database(): Db {
    if (!this.db) {
      mkdirSync(this.directory, { recursive: true, mode: 0o700 });
      this.db = openDatabase(join(this.directory, 'shoal.db'));
    }
    return this.db;
  }

  /**
   * The folder's node state (for the index pins); undefined when its database cannot be opened
   * for a full disk: the pins are then kept for this command only, and the download says why it
   * cannot start. Anything else (a damaged or unreadable database) stops the command: going on
   * without the stored pins would trust whichever index answers.
   */
  nodeState(): NodeState | undefined {
    try {
      // A stored value that no longer reads is the default: nothing the user must hear about here.
      return new NodeState(this.database(), { warn: () => undefined });
    } catch (err) {
      if (isDiskFull(err)) return undefined;
      throw err;
    }
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
