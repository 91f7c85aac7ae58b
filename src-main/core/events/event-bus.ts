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
    this.deliver({ type, data, timestamp: new Date().toISOString() } as BusEvent<M>);
  }

  /**
   * Publishes an event whose data is built by `build` when a listener first reads `event.data`,
   * once, and never when none does. Most listeners look only at the type (the stats, the DHT, the
   * background SHA-256); building every changed file's view for them cost the main thread ~25 µs
   * a file while indexing. `build` must depend only on what it captured: it may run after
   * publishLazy returned, when a listener reads the data later.
   */
  publishLazy<T extends keyof M>(type: T, build: () => M[T]): void {
    if (this.listeners.size === 0) return;
    let data: { value: M[T] } | undefined;
    // An own, enumerable getter: JSON.stringify, spreads and copies see a plain `data` field.
    this.deliver({
      type,
      get data() {
        data ??= { value: build() };
        return data.value;
      },
      timestamp: new Date().toISOString(),
    } as BusEvent<M>);
  }

  private deliver(event: BusEvent<M>): void {
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
