// The hostile clients of `npm run bench -- abuse`, in their own process so their work does not
// slow the process that times the normal client. One mode per run, bounded in time and in
// connections opened; 127.0.0.1 only. Prints one JSON line of counts when it stops.
//   node abuse-attacker.js stalled-uploads PORT SECONDS FILE_ID
//   node abuse-attacker.js request-flood PORT SECONDS CLIENTS
//   node abuse-attacker.js ws-never-read PORT SECONDS CLIENTS
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

const [mode, portText, secondsText, extra = ''] = process.argv.slice(2);
const port = Number(portText);
const deadline = Date.now() + Number(secondsText) * 1000;
/** No mode opens more connections than this in one run. */
const MAX_OPENED = 200_000;
const counts: Record<string, number> = {};
const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
let opened = 0;

/** 16 connections that each ask for the whole file and never read; each one the node closes is opened again. */
function stalledUploads(fileId: string): Promise<void> {
  const open = () => {
    if (Date.now() >= deadline || opened >= MAX_OPENED) return;
    opened++;
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => {
      socket.pause();
      socket.write(`GET /api/v1/download/${fileId} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      count('requests');
    });
    // Asks again every second, as a persistent attacker would: a write is also how a socket
    // that never reads learns the node has cut it (EPIPE), and then it opens another.
    const again = setInterval(() => socket.write(`GET /api/v1/download/${fileId} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`), 1000);
    socket.on('error', () => count('errors'));
    socket.once('close', () => {
      clearInterval(again);
      sockets.delete(socket);
      if (Date.now() < deadline) count('closed by the node');
      setTimeout(open, 50);
    });
    sockets.add(socket);
  };
  const sockets = new Set<Socket>();
  for (let i = 0; i < 16; i++) open();
  return new Promise((resolve) =>
    setTimeout(() => {
      for (const socket of sockets) socket.destroy();
      resolve();
    }, deadline - Date.now()),
  );
}

/** `clients` loops asking GET /api/v1/info as fast as they are answered, on kept-alive connections. */
async function requestFlood(clients: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/v1/info', agent, timeout: 10_000 }, (res) => {
        count(String(res.statusCode));
        res.resume();
        res.once('end', resolve);
        res.once('error', () => resolve());
      });
      req.once('timeout', () => req.destroy());
      req.once('error', () => {
        count('errors');
        setTimeout(resolve, 10);
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline && opened < MAX_OPENED) {
        opened++;
        await one();
      }
    }),
  );
  agent.destroy();
}

/** `clients` WebSocket clients that stop reading once open; a refused or dropped one tries again a second later. */
function wsNeverRead(clients: number): Promise<void> {
  const all = new Set<WebSocket>();
  const open = () => {
    if (Date.now() >= deadline || opened >= MAX_OPENED) return;
    opened++;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    all.add(ws);
    ws.once('open', () => {
      count('open');
      (ws as unknown as { _socket: Socket })._socket.pause();
    });
    ws.once('unexpected-response', (_req, res) => {
      count(String(res.statusCode));
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.once('close', () => {
      all.delete(ws);
      setTimeout(open, 1000);
    });
  };
  for (let i = 0; i < clients; i++) open();
  return new Promise((resolve) =>
    setTimeout(() => {
      for (const ws of all) ws.terminate();
      resolve();
    }, deadline - Date.now()),
  );
}

if (mode === 'stalled-uploads') await stalledUploads(extra);
else if (mode === 'request-flood') await requestFlood(Number(extra));
else if (mode === 'ws-never-read') await wsNeverRead(Number(extra));
else throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify({ mode, opened, counts })}\n`);
process.exit(0);
