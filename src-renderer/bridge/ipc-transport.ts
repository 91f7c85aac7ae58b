// The Electron transport: every call is one IPC invoke through `window.shoal` (preload.ts), every
// event arrives on one subscription. Dropped files are shared where they are, by path, not copied.
import { ipcResultSchema, nodeMethodNames, type IpcResult, type NodeMethodName, type ShoalWindowApi } from '../../src-shared/api/ipc-contract.js';
import type { PeerRouteName, UploadResponse } from '../../src-shared/api/peer-routes.js';
import { ApiError } from './api-error.js';
import type { CallParts, ConnectionState, NodeTransport, RawEvent, UploadItem } from './transport.js';

/** An IPC answer's value, or its catalogue error as an ApiError. */
export function unwrap(result: IpcResult): unknown {
  const parsed = ipcResultSchema.safeParse(result);
  if (!parsed.success) throw new ApiError('UNEXPECTED_ANSWER', 'The app\u2019s answer to a call has an unexpected shape.');
  if (parsed.data.ok) return parsed.data.value;
  const { code, message, status } = parsed.data.error;
  throw new ApiError(code, message, status);
}

const methods: ReadonlySet<string> = new Set(nodeMethodNames);

export class IpcTransport implements NodeTransport {
  constructor(private readonly shoal: ShoalWindowApi) {}

  async invoke(route: PeerRouteName, parts: CallParts): Promise<unknown> {
    if (!methods.has(route)) throw new ApiError('NOT_FOUND', `${route} is not part of the desktop app\u2019s node API.`, 404);
    // Only the parts a call has: the main side refuses a part the method does not take.
    const sent = Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined));
    return unwrap(await this.shoal.node[route as NodeMethodName](sent));
  }

  subscribe(listener: (event: RawEvent) => void): () => void {
    return this.shoal.onEvent(listener);
  }

  /** The node runs inside the app: the line to it never drops. */
  onConnection(listener: (state: ConnectionState) => void): () => void {
    listener('open');
    return () => undefined;
  }

  async upload(item: UploadItem, onProgress: (sentBytes: number) => void): Promise<UploadResponse> {
    const path = this.shoal.getPathForFile(item.file);
    if (!path) throw new ApiError('NOT_A_FILE', `${item.relativePath} has no path on this computer (was it dragged from a web page?).`, 400);
    unwrap(await this.shoal.node.shareFiles({ body: { path } }));
    onProgress(item.file.size);
    return { files: [{ name: item.file.name, path, size: item.file.size }] };
  }

  close(): void {}
}
