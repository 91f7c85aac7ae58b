// The one object the UI holds: typed API methods, validated events, connection state and uploads,
// over whichever transport fits (HTTP/WS in a browser, IPC in the desktop app).
import { nodeEventSchemas, type NodeEvent, type NodeEventType } from '../../src-shared/api/events.js';
import type { DesktopApi } from './desktop-api.js';
import { createNodeClient, type NodeApi } from './node-client.js';
import type { ConnectionState, NodeTransport, UploadItem } from './transport.js';
import type { UploadResponse } from '../../src-shared/api/peer-routes.js';

export interface Bridge {
  api: NodeApi;
  /** The desktop app's own methods; null in a browser. Where it exists, dropped files are shared in place. */
  desktop: DesktopApi | null;
  /** Only events whose data matches the contract's schema arrive here. */
  on<T extends NodeEventType>(type: T, listener: (event: NodeEvent<T>) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  upload(item: UploadItem, onProgress: (sentBytes: number) => void): Promise<UploadResponse>;
  /** Where "Save a copy" fetches a finished download (shared or not); null in the desktop app. */
  downloadedFileUrl(downloadId: string): string | null;
  close(): void;
}

export function createBridge(transport: NodeTransport, desktop: DesktopApi | null = null): Bridge {
  return {
    api: createNodeClient(transport),
    desktop,
    on: (type, listener) =>
      transport.subscribe((raw) => {
        if (raw.type !== type) return;
        const parsed = nodeEventSchemas[type].safeParse(raw.data);
        if (parsed.success) listener({ type, data: parsed.data, timestamp: raw.timestamp } as NodeEvent<typeof type>);
      }),
    onConnection: (listener) => transport.onConnection(listener),
    upload: (item, onProgress) => transport.upload(item, onProgress),
    downloadedFileUrl: (downloadId) => transport.downloadedFileUrl?.(downloadId) ?? null,
    close: () => transport.close(),
  };
}
