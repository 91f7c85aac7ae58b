// Which node id each index server address must prove (node-dialer.ts, `expected: 'pinned'`), like
// SSH's known_hosts: an id given with a configured address (`host:port#NODEID`) is the only one
// accepted there from the first contact; otherwise the id an address proves the first time is
// kept (its pin) and is the only one accepted afterwards, across restarts (node state
// `indexPins`). The user forgets a pin to trust whoever answers there next (Settings, "Trust the
// new identity"). Bounded: MAX_INDEX_PINS, the least recently used first to go (the servers a
// node knows are used at least every half minute, so only addresses long unused are dropped).
import { MAX_INDEX_PINS, canonicalHostPort, joinIndexAddress, splitIndexAddress } from '../../../src-shared/api/index-address.js';
import type { IndexServerIdentity } from '../../../src-shared/api/peer-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { NodeStateOf } from '../store/node-state.js';

export interface IndexPinsOptions {
  /** Where pins are kept across restarts; none: in memory, for this run (the terminal commands). */
  state?: NodeStateOf<'indexPins'>;
  /** Ids given with configured addresses (config file, --index-server, --index): they win over any pin. */
  given?: () => ReadonlyMap<string, string>;
  max?: number;
}

export class IndexPins {
  /** address → id it proved first, least recently used first (a Map keeps insertion order). */
  private readonly pins = new Map<string, string>();
  /** address → the other id it proved when last refused, until the pin is forgotten or it proves the pinned one again. */
  private readonly refusals = new Map<string, string>();
  private readonly max: number;

  constructor(private readonly o: IndexPinsOptions = {}) {
    this.max = o.max ?? MAX_INDEX_PINS;
    for (const [address, nodeId] of this.stored()) this.pins.set(address, nodeId);
    trim(this.pins, this.max);
  }

  /** The id `address` must prove: the one given for it, else its pin (noted as used), else none yet. */
  expected(address: string): string | undefined {
    const key = canonicalHostPort(address);
    const given = this.o.given?.().get(key);
    if (given) return given;
    const pinned = this.pins.get(key);
    if (pinned === undefined) return undefined;
    // Used: moved to the end, so the bound drops addresses long unused. Written with the next change.
    this.pins.delete(key);
    this.pins.set(key, pinned);
    return pinned;
  }

  /** `address` proved `nodeId` on first contact: the only id accepted there from now on. */
  learned(address: string, nodeId: string): void {
    const key = canonicalHostPort(address);
    if (this.o.given?.().has(key) || this.pins.has(key)) return;
    this.save((pins) => {
      if (!pins.has(key)) pins.set(key, nodeId);
    });
  }

  /** The user gave `address`'s id (Settings, `host:port#NODEID`): it replaces any pin. */
  give(address: string, nodeId: string): void {
    const key = canonicalHostPort(address);
    this.refusals.delete(key);
    this.save((pins) => {
      pins.delete(key);
      pins.set(key, nodeId);
    });
  }

  /** `address` proved `presented` instead of the id expected there: shown until resolved. */
  refused(address: string, presented: string | undefined): void {
    const key = canonicalHostPort(address);
    this.refusals.delete(key);
    if (presented) this.refusals.set(key, presented);
    while (this.refusals.size > this.max) this.refusals.delete(this.refusals.keys().next().value as string);
  }

  /** `address` proved the id expected there. */
  confirmed(address: string): void {
    this.refusals.delete(canonicalHostPort(address));
  }

  /**
   * Forgets `address`'s pin: whoever answers there next is trusted (and pinned). An id given in
   * the configuration is the configuration's to change.
   */
  forget(address: string): void {
    const key = canonicalHostPort(address);
    if (this.o.given?.().has(key)) {
      throw new ShoalError('INDEX_ID_CONFIGURED', `The id of ${key} is given in this node\u2019s configuration (${key}#\u2026 in peer.super_peer_address or --index-server); change it there.`);
    }
    this.refusals.delete(key);
    this.save((pins) => pins.delete(key));
  }

  /** What Settings shows of `address`'s identity; undefined while no id is known there. */
  view(address: string): IndexServerIdentity | undefined {
    const key = canonicalHostPort(address);
    const given = this.o.given?.().get(key);
    const nodeId = given ?? this.pins.get(key);
    return nodeId === undefined ? undefined : { nodeId, given: given !== undefined, presented: this.refusals.get(key) ?? null };
  }

  /**
   * Makes one change here and to the stored pins as they are now, not as this process read them:
   * several terminal commands may share one state folder, and writing back a whole list read at
   * start would drop another's new pin, or bring back one the user forgot meanwhile.
   */
  private save(change: (pins: Map<string, string>) => void): void {
    change(this.pins);
    trim(this.pins, this.max);
    if (!this.o.state) return;
    const stored = this.stored();
    // This process's order of use over the stored pins, so the bound drops those long unused.
    for (const key of this.pins.keys()) {
      const nodeId = stored.get(key);
      if (nodeId === undefined) continue;
      stored.delete(key);
      stored.set(key, nodeId);
    }
    change(stored);
    trim(stored, this.max);
    this.o.state.set('indexPins', [...stored].map(([address, nodeId]) => joinIndexAddress({ address, nodeId })));
  }

  /** The pins kept in the node state now, least recently used first. */
  private stored(): Map<string, string> {
    const pins = new Map<string, string>();
    for (const entry of this.o.state?.get('indexPins') ?? []) {
      const { address, nodeId } = splitIndexAddress(entry);
      if (nodeId) pins.set(address, nodeId);
    }
    return pins;
  }
}

/** Drops the least recently used pins past `max`. */
function trim(pins: Map<string, string>, max: number): void {
  while (pins.size > max) pins.delete(pins.keys().next().value as string);
}
