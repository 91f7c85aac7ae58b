// A typed event stream. Services publish; transports (WebSocket, Electron IPC) subscribe.
// Instances are made in the composition root: one for the node, one for the index role.
import type { NodeEventData, NodeEventType } from '../../../src-shared/api/events.js';

/** One event; checking `type` narrows `data` (a discriminated union over the event map). */
export type BusEvent<M> = { [T in keyof M]: { type: T; data: M[T]; timestamp: string } }[keyof M];

export type NodeEventMap = { [T in NodeEventType]: NodeEventData<T> };
export type NodeBusEvent = BusEvent<NodeEventMap>;

export class EventBus<M = NodeEventMap> {
  private readonly listeners = new Set<(event: BusEvent<M>) => void>();

  /**
   * `onListenerError`: where a listener's exception goes. One failing listener must neither keep
   * the others from the event nor throw into the service that published it.
   */
  constructor(private readonly onListenerError: (err: unknown) => void = (err) => process.emitWarning(`an event listener failed: ${String(err)}`)) {}

  publish<T extends keyof M>(type: T, data: M[T]): void {
    const event = { type, data, timestamp: new Date().toISOString() } as BusEvent<M>;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent<M>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
