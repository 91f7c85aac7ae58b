// The hostile clients of `npm run bench -- abuse`, in their own process so their work does not
// slow the process that times the normal client. One mode per run, bounded in time and in
// connections opened; loopback only. Prints one JSON line of counts when it stops.
//   node abuse-attacker.js stalled-uploads PORT SECONDS FILE_ID [FROM]
//   node abuse-attacker.js request-flood PORT SECONDS CLIENTS [FROM]
//   node abuse-attacker.js ws-never-read PORT SECONDS CLIENTS [FROM]
// FROM: the local addresses the attacker's sockets connect from, comma-separated (default
// 127.0.0.2). Linux routes all of 127/8 to lo, so 127.0.0.2 and up are strangers on other
// addresses than the local user's 127.0.0.1; the clients are spread over them in turn.
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

const [mode, portText, secondsText, extra = '', fromText = '127.0.0.2'] = process.argv.slice(2);
const port = Number(portText);
const from = fromText.split(',');
/** The local address of the `i`th client. */
const fromOf = (i: number) => from[i % from.length] as string;
const deadline = Date.now() + Number(secondsText) * 1000;
/** No mode opens more connections than this in one run. */
const MAX_OPENED = 200_000;
const counts: Record<string, number> = {};
const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
let opened = 0;

/** 16 connections that each ask for the whole file and never read; each one the node closes is opened again. */
function stalledUploads(fileId: string): Promise<void> {
  const open = (i: number) => {
    if (Date.now() >= deadline || opened >= MAX_OPENED) return;
    opened++;
    const socket: Socket = connect({ host: '127.0.0.1', port, localAddress: fromOf(i) }, () => {
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
      setTimeout(() => open(i), 50);
    });
    sockets.add(socket);
  };
  const sockets = new Set<Socket>();
  for (let i = 0; i < 16; i++) open(i);
  return new Promise((resolve) =>
    setTimeout(() => {
      for (const socket of sockets) socket.destroy();
      resolve();
    }, deadline - Date.now()),
  );
}

/** `clients` loops asking GET /api/v1/info as fast as they are answered, on kept-alive connections. */
async function requestFlood(clients: number): Promise<void> {
  const agents = from.map(() => new Agent({ keepAlive: true, maxSockets: clients }));
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const agent = agents[i % from.length];
      const req = request({ host: '127.0.0.1', port, localAddress: fromOf(i), path: '/api/v1/info', agent, timeout: 10_000 }, (res) => {
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
    Array.from({ length: clients }, async (_, i) => {
      while (Date.now() < deadline && opened < MAX_OPENED) {
        opened++;
        await one(i);
      }
    }),
  );
  for (const agent of agents) agent.destroy();
}

/** `clients` WebSocket clients that stop reading once open; a refused or dropped one tries again a second later. */
function wsNeverRead(clients: number): Promise<void> {
  const all = new Set<WebSocket>();
  const open = (i: number) => {
    if (Date.now() >= deadline || opened >= MAX_OPENED) return;
    opened++;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { localAddress: fromOf(i) });
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
      setTimeout(() => open(i), 1000);
    });
  };
  for (let i = 0; i < clients; i++) open(i);
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
// Its own CPU time, so the report can say how much of the 2 cores the attack itself took.
const { user, system } = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ mode, opened, counts, cpuMs: Math.round((user + system) / 1000) })}\n`);
process.exit(0);
