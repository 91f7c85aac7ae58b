// What the UI needs from a way of reaching the node. The HTTP/WS transport implements it for the
// browser, the IPC transport for the desktop app, and nothing above knows which runs.
import type { UploadResponse } from '../../src-shared/api/peer-routes.js';
import type { PeerRouteName } from '../../src-shared/api/peer-routes.js';
import type { CallParts } from '../../src-shared/api/contract-client.js';

export type ConnectionState = 'connecting' | 'open' | 'lost';

// A call's parts are the contract client's (src-shared/api/contract-client.ts).
export type { CallParts } from '../../src-shared/api/contract-client.js';

export interface RawEvent {
  type: string;
  data: unknown;
  timestamp: string;
}

export interface UploadItem {
  file: File;
  /** "folder/sub/name.ext" for files from a dropped folder, else the file's name. */
  relativePath: string;
}

export interface NodeTransport {
  invoke(route: PeerRouteName, parts: CallParts): Promise<unknown>;
  subscribe(listener: (event: RawEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Puts a file into the shared folder, reporting bytes sent. */
  upload(item: UploadItem, onProgress: (sentBytes: number) => void): Promise<UploadResponse>;
  /** An address a plain link can fetch a finished download from; absent where files open in place (desktop). */
  downloadedFileUrl?(downloadId: string): string;
  close(): void;
}
