// A source's idle keep-alive connections, so each run of pieces does not pay a new TCP
// connection (and its slow start) when the last one can carry it.
import { SourceConnection, type SecureTo } from './source-connection.js';

export class SourceConnectionPool {
  private readonly idle: SourceConnection[] = [];

  /** `url`: the file's download address at the source; every connection asks for it. */
  /** `secure`: every connection is TLS to the source's node id (encryption on). */
  constructor(readonly url: URL, private readonly maxIdle: number, private readonly secure?: SecureTo) {}

  get encrypted(): boolean {
    return this.secure !== undefined;
  }

  /** An idle connection still open, or a new one (connecting). */
  take(): SourceConnection {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) if (c.usable) return c;
    return new SourceConnection(this.url, this.secure);
  }

  /** Back after a whole answer was read: kept if it can carry another. */
  give(connection: SourceConnection): void {
    if (connection.usable && this.idle.length < this.maxIdle) this.idle.push(connection);
    else connection.destroy();
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }
}
