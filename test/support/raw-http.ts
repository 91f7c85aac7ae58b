// One HTTP/1.1 request written byte for byte on a raw socket: for what fetch() refuses to send
// (malformed percent-escapes, any Host header, no Host at all); and one GET on a socket already open,
// for tests that choose the connection (its source address, how many are held).
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method?: string;
  /** Sent as written, not normalised or escaped. */
  target: string;
  /** Header lines; `Host: 127.0.0.1` unless one is given, none when `host` is null. */
  headers?: Record<string, string>;
  host?: string | null;
  body?: string | Buffer;
}

export function rawRequest(port: number, r: RawRequest): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...(r.host === null ? {} : { host: r.host ?? `127.0.0.1:${port}` }), connection: 'close', ...r.headers };
  if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  const head = `${r.method ?? 'GET'} ${r.target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may answer and close before reading a large body: that is an answer, not a failure.
    socket.on('error', (err) => (chunks.length > 0 ? undefined : reject(err)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [rawHead = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = rawHead.split('\r\n');
      const answer: RawAnswer = { status: Number(statusLine.split(' ')[1]), headers: {}, body: rest.join('\r\n\r\n') };
      for (const line of lines) {
        const colon = line.indexOf(':');
        answer.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve(answer);
    });
    socket.write(head);
    if (r.body !== undefined) socket.write(r.body);
  });
}

/** One keep-alive GET on an open socket; resolves once the whole answer (by its Content-Length) is in. */
export function askOn(socket: Socket, target: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const h: Record<string, string> = {};
      for (const line of lines) h[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const length = Number(h['content-length'] ?? 0);
      if (text.length < end + 4 + length) return;
      socket.off('data', onData);
      resolve({ status: Number(statusLine.split(' ')[1]), headers: h, body: text.slice(end + 4, end + 4 + length) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`);
  });
}
