// A request Node's HTTP parser refuses before any handler sees it (a request line or headers over
// its 16 KiB, a malformed request) still gets the catalogue's JSON, like every other refusal:
// Node's own answer is a bare status line. 431 HEADERS_TOO_LARGE for the first, 400 BAD_REQUEST
// otherwise; the connection is closed either way (the parser cannot go on with it).
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ShoalError } from '../../../src-shared/errors.js';
import { refuseWithError } from './event-socket.js';

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing to answer on a connection already gone, one that has started an answer, or one too
    // slow to send its headers (a slowloris gets no answer).
    // (Node's own handler asks the same: nothing written on the socket yet.)
    const answering = (socket as Duplex & { bytesWritten?: number }).bytesWritten !== 0;
    if (err.code === 'ECONNRESET' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable || answering) {
      socket.destroy();
      return;
    }
    refuseWithError(socket, new ShoalError(err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST'));
  });
}
