// The HTTP/WS transport: the route table says each method's verb and path; the token goes as a
// Bearer header (and in the /ws address, the one thing a browser can set on a WebSocket).
import { routePath } from '../../src-shared/api/contract-client.js';
import { peerRoutes, uploadResponseSchema, type PeerRouteName, type UploadResponse } from '../../src-shared/api/peer-routes.js';
import { ApiError, errorFromBody } from './api-error.js';
import { ReconnectingSocket } from './event-socket.js';
import type { CallParts, ConnectionState, NodeTransport, RawEvent, UploadItem } from './transport.js';

export interface HttpTransportOptions {
  /** The node's address, e.g. `http://127.0.0.1:9001` (default: where the page came from). */
  baseUrl: string;
  token: string | null;
}

export function routeUrl(baseUrl: string, route: PeerRouteName, parts: CallParts): string {
  return new URL(routePath(peerRoutes[route], parts), baseUrl).toString();
}

export class HttpTransport implements NodeTransport {
  private readonly socket: ReconnectingSocket;

  constructor(private readonly o: HttpTransportOptions) {
    const ws = new URL('/ws', o.baseUrl);
    ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
    if (o.token) ws.searchParams.set('token', o.token);
    this.socket = new ReconnectingSocket(ws.toString());
  }

  async invoke(route: PeerRouteName, parts: CallParts): Promise<unknown> {
    const spec = peerRoutes[route];
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    if (parts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(routeUrl(this.o.baseUrl, route, parts), {
        method: spec.method.toUpperCase(),
        headers,
        body: parts.body === undefined ? null : JSON.stringify(parts.body),
      });
    } catch {
      throw new ApiError('UNREACHABLE', 'The node does not answer. Is `shoal serve` still running?');
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) throw errorFromBody(res.status, body);
    return body;
  }

  subscribe(listener: (event: RawEvent) => void): () => void {
    return this.socket.subscribe(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.socket.onConnection(listener);
  }

  /** XMLHttpRequest, not fetch: only it reports upload progress. One file per request. */
  upload(item: UploadItem, onProgress: (sentBytes: number) => void): Promise<UploadResponse> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', routeUrl(this.o.baseUrl, 'uploadFiles', {}));
      if (this.o.token) xhr.setRequestHeader('authorization', `Bearer ${this.o.token}`);
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onerror = () => reject(new ApiError('UNREACHABLE', 'The upload was cut: the node does not answer.'));
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // judged by the status below
        }
        if (xhr.status < 200 || xhr.status >= 300) {
          reject(errorFromBody(xhr.status, body));
          return;
        }
        const parsed = uploadResponseSchema.safeParse(body);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError('UNEXPECTED_ANSWER', 'The node\u2019s answer to the upload has an unexpected shape.'));
      };
      const form = new FormData();
      form.append('file', item.file, item.relativePath);
      xhr.send(form);
    });
  }

  /** A link cannot send a header: the token goes in the address, as in `/ws` and the UI link. */
  downloadedFileUrl(downloadId: string): string {
    return routeUrl(this.o.baseUrl, 'downloadedFile', { params: { downloadId }, query: { token: this.o.token } });
  }

  close(): void {
    this.socket.close();
  }
}
