// The name this node goes by (Settings → "This device", PUT /api/v1/settings/identity): the
// config's peer.name (the host name by default) until the user sets one; a set name is kept in
// the node state (`displayName`) and wins from then on, like the transfer settings. /api/v1/info
// shows it at once; `onChange` tells the index client, which registers again so the index shows it too.
import type { IdentityView } from '../../../src-shared/api/identity.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import type { NodeStateOf } from '../store/node-state.js';

export interface DisplayNameOptions {
  id: string;
  /** The config's peer.name. */
  defaultName: string;
  state: NodeStateOf<'displayName'>;
  onChange?: (name: string) => void;
}

export class DisplayName {
  private custom: string | undefined;

  constructor(private readonly o: DisplayNameOptions) {
    // A stored name that no longer passes (a rule tightened since) reads as none (node-state.ts).
    this.custom = o.state.get('displayName') ?? undefined;
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
    this.o.state.set('displayName', name);
    this.custom = name ?? undefined;
    if (this.get() !== before) this.o.onChange?.(this.get());
    return this.view();
  }
}
