// A typed event stream. Services publish; transports (WebSocket now, Electron IPC later)
// subscribe. Instances are made in the composition root: one for the node, one for the index role.
import type { NodeEventData, NodeEventType } from '../../../src-shared/api/events.js';

export interface BusEvent<M, T extends keyof M = keyof M> {
  type: T;
  data: M[T];
  timestamp: string;
}

export class EventBus<M = { [T in NodeEventType]: NodeEventData<T> }> {
  private readonly listeners = new Set<(event: BusEvent<M>) => void>();

  publish<T extends keyof M>(type: T, data: M[T]): void {
    const event = { type, data, timestamp: new Date().toISOString() } as BusEvent<M>;
    for (const listener of this.listeners) listener(event);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent<M>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
