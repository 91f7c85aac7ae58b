// The name this node goes by (Settings → "This device", PUT /api/v1/settings/identity): the
// config's peer.name (the host name by default) until the user sets one; a set name is kept in
// node_meta and wins from then on, like the transfer settings. /api/v1/info shows it at once;
// `onChange` tells the index client, which registers again so the index shows it too.
import { displayNameSchema, type IdentityView } from '../../../src-shared/api/identity.js';
import { shortNodeId } from '../../../src-shared/node-id.js';

const META_KEY = 'display_name';

export interface DisplayNameOptions {
  id: string;
  /** The config's peer.name. */
  defaultName: string;
  meta: { getMeta(key: string): string | undefined; setMeta(key: string, value: string): void };
  onChange?: (name: string) => void;
}

export class DisplayName {
  private custom: string | undefined;

  constructor(private readonly o: DisplayNameOptions) {
    // A stored name that no longer passes (a rule tightened since) is ignored, not fatal.
    const stored = displayNameSchema.safeParse(o.meta.getMeta(META_KEY) ?? '');
    this.custom = stored.success ? stored.data : undefined;
  }

  get(): string {
    return this.custom ?? this.o.defaultName;
  }

  view(): IdentityView {
    return { id: this.o.id, shortId: shortNodeId(this.o.id), name: this.get(), defaultName: this.o.defaultName, custom: this.custom !== undefined };
  }

  /** A validated name (displayNameSchema), or null for the default. */
  set(name: string | null): IdentityView {
    const before = this.get();
    this.custom = name ?? undefined;
    this.o.meta.setMeta(META_KEY, name ?? '');
    if (this.get() !== before) this.o.onChange?.(this.get());
    return this.view();
  }
}
