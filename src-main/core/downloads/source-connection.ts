// One keep-alive HTTP/1.1 connection to a source, made for the one thing a download asks of it: a
// byte range whose body goes from the socket straight into piece buffers. Node's http client
// copies every body byte twice on the way (into a new buffer per socket read, then into another
// per parser callback); in a profile of `shoal get` those copies and the page faults of their
// fresh memory cost more than a sixth of the CPU. Here the kernel copies into the piece buffer and
// nothing else does. It speaks only what a peer answers to a range request: a status line,
// headers and a Content-Length body; anything else (chunked bodies, a head over 16 KiB, bytes
// nobody asked for) is an error and the connection is dropped.
// With encryption on it runs over TLS to the source's node id (net/node-tls.ts): the request is
// written only once the source proved that id, and a source that cannot do TLS is never asked in
// plain HTTP instead.
import net from 'node:net';
import type { NodeTls } from '../net/node-tls.js';
import { PeerIdentityError } from '../net/node-tls.js';

/** TLS to this node id (null: any node, when the source's id is unknown). */
export interface SecureTo {
  tls: NodeTls;
  expect: string | null;
}

export interface ResponseHead {
  status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: ReadonlyMap<string, string>;
  /** The body's length (Content-Length). */
  length: number;
  /** From the request leaving (on a connected, verified socket) to its head: about one round trip; null if unknown. */
  waitedMs: number | null;
}

export interface BodySink {
  /** Where the next body bytes go: a buffer with room for at least one byte. */
  space(): Buffer;
  /** `bytes` more body bytes are at the start of the buffer space() last returned. */
  received(bytes: number): void;
}

/** The connection failed or was closed; `beforeResponse`: not one byte of the answer had come. */
export class ConnectionError extends Error {
  constructor(message: string, readonly code: string, readonly beforeResponse: boolean) {
    super(message);
    this.name = 'ConnectionError';
  }
}

const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'idle' | 'head' | 'body' | 'closed';

export class SourceConnection {
  private readonly socket: net.Socket;
  private state: State = 'idle';
  private readonly head = Buffer.allocUnsafe(MAX_HEAD_BYTES);
  private headFilled = 0;
  /** Body bytes that came in the same read as the head, and where they start. */
  private early: { from: number; to: number } | null = null;
  private bodyLeft = 0;
  private sink: BodySink | null = null;
  private keepAlive = true;
  /** Paused by the caller (the rate limit), not just between answers. */
  private paused = false;
  private pending: { resolve(value: unknown): void; reject(err: Error): void } | null = null;
  /** Answered at least one request: a server may have closed it since. */
  reused = false;
  /** Over TLS; until the source proved its id, a request waits in `unsent`. */
  readonly encrypted: boolean;
  private verified: boolean;
  private unsent: string | null = null;
  /** When the request in flight left (performance.now()); null while it waits for the connection. */
  private sentAt: number | null = null;

  constructor(private readonly url: URL, secure?: SecureTo) {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || 80);
    const onread = { buffer: () => this.readInto(), callback: (bytes: number, into: Buffer) => this.onRead(into.subarray(0, bytes)) };
    this.encrypted = secure !== undefined;
    this.verified = !secure;
    if (secure) {
      const { socket, verified } = secure.tls.connect({ host, port, expect: secure.expect, onread });
      this.socket = socket;
      verified.then(() => {
        this.verified = true;
        if (this.unsent !== null && this.state === 'head') {
          this.socket.write(this.unsent, 'latin1');
          this.sentAt = performance.now();
        }
        this.unsent = null;
      }, () => undefined); // the socket's 'error' says why
    } else {
      this.socket = net.connect({ host, port, noDelay: true, onread });
      // A request written while connecting leaves once connected: its round trip starts then.
      this.socket.once('connect', () => {
        if (this.state === 'head') this.sentAt ??= performance.now();
      });
    }
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof PeerIdentityError) this.destroy(new ConnectionError(err.message, 'PEER_IDENTITY_MISMATCH', true));
      // Never retried in plain HTTP: that is what a downgrade attack would want.
      else if (this.encrypted && !this.verified) this.destroy(new ConnectionError(`${url.host}: no TLS connection (${err.code ?? err.message}); not asked in plain HTTP`, err.code ?? 'TLS', true));
      else this.destroy(this.lost(err.code ?? 'ERROR', err.code ?? err.message));
    });
    this.socket.on('end', () => this.destroy(this.lost('EOF', 'the source closed the connection')));
    this.socket.on('close', () => this.destroy(this.lost('CLOSED', 'the connection closed')));
  }

  /** Idle and open: may carry another request. */
  get usable(): boolean {
    return this.state === 'idle' && this.keepAlive;
  }

  /** Sends `GET path` with `headers` and resolves with the answer's head. */
  request(path: string, headers: Record<string, string>): Promise<ResponseHead> {
    if (!this.usable) return Promise.reject(new ConnectionError('the connection is not idle', 'BUSY', true));
    this.state = 'head';
    this.headFilled = 0;
    this.early = null;
    // A new answer starts unpaused, whatever the rate limit did to the last one's end.
    this.paused = false;
    this.socket.resume();
    const lines = [`GET ${path} HTTP/1.1`, `Host: ${this.url.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    const text = `${lines.join('\r\n')}\r\n\r\n`;
    this.sentAt = null;
    if (this.verified) {
      this.socket.write(text, 'latin1');
      if (!this.socket.connecting) this.sentAt = performance.now();
    } else this.unsent = text;
    return this.wait<ResponseHead>();
  }

  /** Reads the body of the answer whose head request() gave, into `sink`. */
  readBody(sink: BodySink): Promise<void> {
    if (this.state !== 'body' || this.sink) return Promise.reject(new ConnectionError('no body to read', 'STATE', false));
    this.sink = sink;
    const done = this.wait<void>();
    // Body bytes that came with the head go first.
    const early = this.early;
    this.early = null;
    if (early) this.deliver(this.head.subarray(early.from, early.to));
    if (this.state === 'body' && !this.paused) this.socket.resume();
    return done;
  }

  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.state === 'body') this.socket.resume();
  }

  /** Closes the connection; a request or body still waiting fails with `err`. */
  destroy(err: Error = new ConnectionError('closed', 'CLOSED', false)): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.sink = null;
    this.socket.destroy();
    this.settle(err);
  }

  private wait<T>(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending = { resolve: resolve as (value: unknown) => void, reject };
    });
  }

  private settle(err: Error | null, value?: unknown): void {
    const pending = this.pending;
    this.pending = null;
    if (err) pending?.reject(err);
    else pending?.resolve(value);
  }

  private lost(code: string, message: string): ConnectionError {
    return new ConnectionError(message, code, this.state === 'head' && this.headFilled === 0);
  }

  /**
   * Where the socket reads next: the body's piece buffer (never past the body's end), or the head
   * buffer. Node asks right after each read, for the one after it, so at a change of state (a head
   * just parsed, a body just ended) the next read may land in the wrong place: onRead copies it.
   */
  private readInto(): Buffer {
    if (this.state === 'body' && this.sink) return this.bodySpace();
    return this.head.subarray(this.state === 'head' ? this.headFilled : 0);
  }

  private bodySpace(): Buffer {
    const space = (this.sink as BodySink).space();
    return space.length > this.bodyLeft ? space.subarray(0, this.bodyLeft) : space;
  }

  private onRead(data: Buffer): boolean {
    if (this.state === 'head') return this.onHeadBytes(data);
    if (this.state === 'body' && this.sink) {
      const space = this.bodySpace();
      if (data.buffer === space.buffer && data.byteOffset === space.byteOffset) this.onBody(data.length);
      else this.deliver(data);
      return true;
    }
    this.destroy(new ConnectionError('the source sent bytes nobody asked for', 'PROTOCOL', false));
    return false;
  }

  /** Copies body bytes that are not where the sink wanted them. */
  private deliver(data: Buffer): void {
    let from = 0;
    while (from < data.length && this.state === 'body' && this.sink) {
      const n = data.copy(this.bodySpace(), 0, from);
      from += n;
      this.onBody(n);
    }
    if (from < data.length && this.state !== 'closed') this.destroy(new ConnectionError('the source sent more bytes than its answer holds', 'PROTOCOL', false));
  }

  private onHeadBytes(data: Buffer): boolean {
    const searchFrom = Math.max(0, this.headFilled - 3);
    if (data.buffer !== this.head.buffer || data.byteOffset !== this.head.byteOffset + this.headFilled) {
      if (data.length > MAX_HEAD_BYTES - this.headFilled) {
        this.destroy(new ConnectionError('the answer\'s head is too long', 'PROTOCOL', false));
        return false;
      }
      data.copy(this.head, this.headFilled);
    }
    this.headFilled += data.length;
    const end = this.head.subarray(0, this.headFilled).indexOf(HEAD_END, searchFrom);
    if (end < 0) {
      if (this.headFilled === MAX_HEAD_BYTES) this.destroy(new ConnectionError('the answer\'s head is too long', 'PROTOCOL', false));
      return true;
    }
    const parsed = parseHead(this.head.toString('latin1', 0, end));
    if (typeof parsed === 'string') {
      this.destroy(new ConnectionError(parsed, 'PROTOCOL', false));
      return false;
    }
    this.reused = true;
    this.keepAlive = parsed.keepAlive;
    const bodyStart = end + HEAD_END.length;
    if (this.headFilled - bodyStart > parsed.head.length) {
      this.destroy(new ConnectionError('the source sent more bytes than its answer holds', 'PROTOCOL', false));
      return false;
    }
    this.early = bodyStart < this.headFilled ? { from: bodyStart, to: this.headFilled } : null;
    this.bodyLeft = parsed.head.length;
    this.state = this.bodyLeft === 0 ? 'idle' : 'body';
    this.settle(null, { ...parsed.head, waitedMs: this.sentAt === null ? null : performance.now() - this.sentAt });
    // Nothing more is read until readBody() says where the body goes.
    return false;
  }

  private onBody(bytes: number): void {
    const sink = this.sink as BodySink;
    this.bodyLeft -= bytes;
    if (this.bodyLeft === 0) {
      this.state = 'idle';
      this.sink = null;
    }
    sink.received(bytes);
    if (this.state === 'idle' && this.pending) this.settle(null);
  }
}

function parseHead(text: string): { head: Omit<ResponseHead, 'waitedMs'>; keepAlive: boolean } | string {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(statusLine);
  if (!status) return `not an HTTP/1.x answer: ${JSON.stringify(statusLine.slice(0, 40))}`;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `a malformed header line: ${JSON.stringify(line.slice(0, 40))}`;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (headers.has('transfer-encoding')) return 'the source sent a chunked answer, not a Content-Length one';
  const length = headers.get('content-length');
  if (length === undefined || !/^\d{1,15}$/.test(length)) return 'the answer has no valid Content-Length';
  const keepAlive = status[1] === '1' && headers.get('connection')?.toLowerCase() !== 'close';
  return { head: { status: Number(status[2]), headers, length: Number(length) }, keepAlive };
}
