// The node's internal event stream. Services publish typed events; transports (WebSocket now,
// Electron IPC later) subscribe. One instance per node, made in the composition root.
import type { NodeEvent, NodeEventData, NodeEventType } from '../../../src-shared/api/events.js';

export type EventListener = (event: NodeEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  publish<T extends NodeEventType>(type: T, data: NodeEventData<T>): void {
    const event: NodeEvent = { type, data, timestamp: new Date().toISOString() };
    for (const listener of this.listeners) listener(event);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
