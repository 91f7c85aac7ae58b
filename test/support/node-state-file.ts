// A node state over a real SQLite file in a temp folder (migrated as a node's is), with the raw
// node_meta rows beside it: what a release wrote, or a hand edit, is put there as text.
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../src-main/core/store/database.js';
import { NodeState } from '../../src-main/core/store/node-state.js';
import { makeTempDir } from './temp-dir.js';

export interface NodeStateFile {
  /** The state over the file as last opened. */
  state: NodeState;
  /** The stored text of a node_meta row. */
  row(key: string): string | undefined;
  /** Stores a row's text as is, bypassing the schemas. */
  writeRow(key: string, value: string): void;
  /** What the state warned about, in order. */
  warnings: Array<Record<string, unknown>>;
  /** Closes the file and opens it again, as the next start of the node would; `state` reads it then. */
  reopen(): NodeState;
  close(): Promise<void>;
}

export async function openNodeStateFile(rows: Record<string, string> = {}): Promise<NodeStateFile> {
  const dir = await makeTempDir();
  const file = join(dir.path, 'shoal.db');
  let db = openDatabase(file);
  const warnings: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  const writeRow = (key: string, value: string) => void db.prepare('INSERT OR REPLACE INTO node_meta (key, value) VALUES (?, ?)').run(key, value);
  for (const [key, value] of Object.entries(rows)) writeRow(key, value);
  const opened: NodeStateFile = {
    state: new NodeState(db, logger),
    row: (key) => db.prepare<[string], { value: string }>('SELECT value FROM node_meta WHERE key = ?').get(key)?.value,
    writeRow,
    warnings,
    reopen: () => {
      db.close();
      db = openDatabase(file);
      opened.state = new NodeState(db, logger);
      return opened.state;
    },
    close: async () => {
      db.close();
      await dir.remove();
    },
  };
  return opened;
}
