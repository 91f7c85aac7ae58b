// A port to offer when the index port is taken ("Use port N instead"): the first free one just
// above it (easy to remember and to open in a firewall next to the first), else any the system gives.
import { createServer } from 'node:net';

const TRIES = 20;

/** The first of port+1 … port+20 free on `host`, else one the system picks; null if none can be had. */
export async function freePortNear(port: number, host: string): Promise<number | null> {
  for (let p = port + 1; p > 1 && p <= Math.min(65_535, port + TRIES); p++) if ((await listensOn(p, host)) !== null) return p;
  return listensOn(0, host);
}

/** Listens on `port` for a moment; the port it got, or null. */
function listensOn(port: number, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, host, exclusive: true }, () => {
      const got = (server.address() as { port: number }).port;
      server.close(() => resolve(got));
    });
  });
}
