// The node's /ws, kept open: on a close it reconnects by itself with a growing delay (0.5 s up to
// 5 s), and tells whoever listens whether the node is reachable, for the "connection lost" banner.
import type { ConnectionState, RawEvent } from './transport.js';

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

export class ReconnectingSocket {
  private ws: WebSocket | undefined;
  private delay = MIN_DELAY_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private state: ConnectionState = 'connecting';
  private readonly events = new Set<(event: RawEvent) => void>();
  private readonly states = new Set<(state: ConnectionState) => void>();

  constructor(private readonly url: string) {
    this.connect();
  }

  subscribe(listener: (event: RawEvent) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.states.add(listener);
    listener(this.state);
    return () => this.states.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.delay = MIN_DELAY_MS;
      this.setState('open');
    };
    ws.onmessage = (message) => {
      let event: RawEvent;
      try {
        event = JSON.parse(String(message.data)) as RawEvent;
      } catch {
        return; // not ours to show
      }
      for (const listener of this.events) listener(event);
    };
    ws.onclose = () => {
      if (this.closed) return;
      this.setState('lost');
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    };
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.states) listener(state);
  }
}
