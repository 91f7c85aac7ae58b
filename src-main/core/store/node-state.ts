// The node's own small state: what the user changed in Settings and the node keeps across
// restarts, one node_meta row a key. This is the only code that reads or writes the table; every
// key is declared once, with its schema and default, in node-state-keys.ts, so `get` is typed from
// the schema and `set` refuses a value that would not read back. A stored value that no longer
// reads (written by another release, or edited by hand) is the default, with one warning: never a
// reason not to start.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from './database.js';
import { nodeStateKeys, type NodeStateName } from './node-state-keys.js';

type Declared = (typeof nodeStateKeys)[NodeStateName];
type Keys = typeof nodeStateKeys;

/** What `set` takes: a value of the key's schema. */
export type NodeStateInput<K extends NodeStateName> = z.output<Keys[K]['codec']>;
/** What `get` gives: the stored value or the key's default (with null when the default is "not set"). */
export type NodeStateValue<K extends NodeStateName> = null extends Keys[K]['fallback'] ? NodeStateInput<K> | null : NodeStateInput<K>;

/** The part of the node state one service uses: each is given only its own keys. */
export interface NodeStateOf<K extends NodeStateName> {
  get<N extends K>(name: N): NodeStateValue<N>;
  set<N extends K>(name: N, value: NodeStateInput<N>): void;
}

export class NodeState implements NodeStateOf<NodeStateName> {
  private readonly read;
  private readonly write;
  /** Keys whose stored value did not read, warned about once. */
  private readonly warned = new Set<NodeStateName>();

  constructor(db: Db, private readonly logger: Pick<Logger, 'warn'>) {
    this.read = db.prepare<[string], { value: string }>('SELECT value FROM node_meta WHERE key = ?');
    this.write = db.prepare<[string, string]>('INSERT INTO node_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }

  get<K extends NodeStateName>(name: K): NodeStateValue<K> {
    const declared = declaredAs(name);
    const text = this.read.get(declared.key)?.value;
    if (text === undefined) return declared.fallback as NodeStateValue<K>;
    const parsed = (declared.codec as z.ZodType<unknown, string>).safeDecode(text);
    if (parsed.success) return parsed.data as NodeStateValue<K>;
    if (!this.warned.has(name)) {
      this.warned.add(name);
      this.logger.warn({ key: declared.key, problem: z.prettifyError(parsed.error) }, 'a stored setting no longer reads (another release, or edited by hand): its default is used until it is set again');
    }
    return declared.fallback as NodeStateValue<K>;
  }

  /** Stores a value; one its schema refuses throws (a ZodError) and changes nothing. */
  set<K extends NodeStateName>(name: K, value: NodeStateInput<K>): void {
    const declared = declaredAs(name);
    this.write.run(declared.key, z.encode(declared.codec as z.ZodType<unknown, string>, value));
    this.warned.delete(name);
  }
}

function declaredAs(name: NodeStateName): Declared {
  // TypeScript refuses an undeclared name; this catches one cast past it (a string from elsewhere).
  if (!Object.hasOwn(nodeStateKeys, name)) throw new Error(`"${name}" is not declared in node-state-keys.ts`);
  return nodeStateKeys[name];
}
