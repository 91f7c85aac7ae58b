// Index servers the user adds by hand while the node runs (Settings, POST /api/v1/index-servers).
// They are kept in the database's node_meta, so they survive a restart; the config file's and the
// --index-server flag's addresses stay the config's business and cannot be removed here.
import { z } from 'zod';
import { HOST_PORT, hostPortSchema } from '../../../src-shared/api/common.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { IndexServerRef } from './server-choice.js';

const META_KEY = 'added_index_servers';
export const MAX_ADDED_INDEX_SERVERS = 20;

export interface AddedIndexServersOptions {
  meta: { getMeta(key: string): string | undefined; setMeta(key: string, value: string): void };
  /** Every index server the node knows now (configured, added, self, discovered). */
  known: () => readonly IndexServerRef[];
  /** Told after every change, so the index client looks at its list at once. */
  onChange: () => void;
  max?: number;
}

/** One spelling per server: host names are case-insensitive and "08080" is port 8080. */
export function canonicalAddress(address: string): string {
  const match = HOST_PORT.exec(address.trim());
  if (!match) return address.trim();
  return `${(match[1] as string).toLowerCase()}:${Number(match[2])}`;
}

export class AddedIndexServers {
  private addresses: string[];
  private readonly max: number;

  constructor(private readonly o: AddedIndexServersOptions) {
    this.max = o.max ?? MAX_ADDED_INDEX_SERVERS;
    this.addresses = this.saved();
  }

  list(): readonly string[] {
    return this.addresses;
  }

  add(input: string): void {
    const address = canonicalAddress(hostPortSchema.parse(input));
    if (this.addresses.includes(address)) throw new ShoalError('INDEX_SERVER_EXISTS', `${address} is already added.`);
    if (this.sourceOf(address) === 'configured') {
      throw new ShoalError('INDEX_SERVER_EXISTS', `${address} is already in this node\u2019s configuration.`);
    }
    if (this.addresses.length >= this.max) {
      throw new ShoalError('INDEX_SERVERS_FULL', `At most ${this.max} index servers can be added by hand; remove one first.`);
    }
    this.save([...this.addresses, address]);
  }

  remove(input: string): void {
    const address = canonicalAddress(input);
    if (this.addresses.includes(address)) {
      this.save(this.addresses.filter((a) => a !== address));
      return;
    }
    const source = this.sourceOf(address);
    if (source === 'configured') {
      throw new ShoalError('INDEX_SERVER_NOT_REMOVABLE', `${address} comes from this node\u2019s configuration (config file or --index-server); remove it there.`);
    }
    if (source === 'discovered') throw new ShoalError('INDEX_SERVER_NOT_REMOVABLE', `${address} was found on your network; it leaves the list when it stops.`);
    if (source === 'self') throw new ShoalError('INDEX_SERVER_NOT_REMOVABLE', `${address} is this node\u2019s own index; turn "Run as index server" off instead.`);
    throw new ShoalError('INDEX_SERVER_NOT_FOUND', `This node knows no index server at ${address}.`);
  }

  private sourceOf(address: string): IndexServerRef['source'] | undefined {
    return this.o.known().find((ref) => canonicalAddress(ref.address) === address)?.source;
  }

  private save(addresses: string[]): void {
    this.o.meta.setMeta(META_KEY, JSON.stringify(addresses));
    this.addresses = addresses;
    this.o.onChange();
  }

  /** A damaged or hand-edited entry is skipped, never a reason not to start. */
  private saved(): string[] {
    const text = this.o.meta.getMeta(META_KEY);
    if (!text) return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return [];
    }
    const items = z.array(z.unknown()).safeParse(value).data ?? [];
    const valid = items.flatMap((item) => {
      const parsed = hostPortSchema.safeParse(item);
      return parsed.success ? [canonicalAddress(parsed.data)] : [];
    });
    return [...new Set(valid)].slice(0, this.max);
  }
}
