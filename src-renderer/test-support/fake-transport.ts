// A transport for component and store tests: answers from a table of handlers, records calls,
// and lets a test push events and connection changes. (End-to-end tests use real nodes.)
import type { PeerRouteName, UploadResponse } from '../../src-shared/api/peer-routes.js';
import { ApiError } from '../bridge/api-error.js';
import type { CallParts, ConnectionState, NodeTransport, RawEvent, UploadItem } from '../bridge/transport.js';

export type Handlers = Partial<Record<PeerRouteName, (parts: CallParts) => unknown>>;

export class FakeTransport implements NodeTransport {
  readonly calls: { route: PeerRouteName; parts: CallParts }[] = [];
  private readonly events = new Set<(event: RawEvent) => void>();
  private readonly states = new Set<(state: ConnectionState) => void>();

  constructor(private readonly handlers: Handlers = {}) {}

  async invoke(route: PeerRouteName, parts: CallParts): Promise<unknown> {
    this.calls.push({ route, parts });
    const handler = this.handlers[route];
    if (!handler) throw new ApiError('NOT_FOUND', `no fake answer for ${route}`, 404);
    return handler(parts);
  }

  subscribe(listener: (event: RawEvent) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.states.add(listener);
    return () => this.states.delete(listener);
  }

  async upload(item: UploadItem, onProgress: (sent: number) => void): Promise<UploadResponse> {
    onProgress(item.file.size);
    return { files: [{ name: item.relativePath, path: `/shared/${item.relativePath}`, size: item.file.size }] };
  }

  emit(type: string, data: unknown): void {
    for (const listener of this.events) listener({ type, data, timestamp: new Date().toISOString() });
  }

  setConnection(state: ConnectionState): void {
    for (const listener of this.states) listener(state);
  }

  close(): void {}
}

export function fakeFile(i: number) {
  const id = i.toString(16).padStart(64, '0');
  return {
    id, name: `file-${String(i).padStart(6, '0')}.txt`, names: [], size: 1000 + i, mime: 'text/plain', category: 'document' as const,
    tags: ['txt'], userTags: [], pieceSize: 262144, pieceCount: 1, sharedAt: '2026-01-01T00:00:00.000Z', sha256: null,
  };
}
