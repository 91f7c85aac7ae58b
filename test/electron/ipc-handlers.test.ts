// ipc.ts over a real node, with an ipcMain double: every contract method is a channel, arguments
// are validated as HTTP validates them, errors come back as data with their catalogue code, only
// the app's own top frame is answered, and node events reach the window.
import type { IpcMainInvokeEvent } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopChannel, EVENT_CHANNEL, nodeChannel, nodeMethodNames, type IpcEvent, type IpcResult } from '../../src-shared/api/ipc-contract.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { APP_ORIGIN as APP, isAppUrl } from '../../src-main/electron/app-protocol.js';
import { desktopHandlers } from '../../src-main/electron/desktop-handlers.js';
import { forwardEvents, registerIpc, type DesktopHandlers } from '../../src-main/electron/ipc.js';
import { errorCatalogue } from '../../src-shared/errors.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcResult>;
const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;

let node: TestNode;
const handlers = new Map<string, Handler>();
const opened: string[] = [];
const folderChanges: unknown[] = [];
let unregister: () => void;

const call = (channel: string, ...args: unknown[]) => {
  const handler = handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler(frame(`${APP}/share`), ...args);
};

beforeAll(async () => {
  node = await startTestNode();
  unregister = registerIpc({
    ipcMain: { handle: (channel, fn) => void handlers.set(channel, fn as Handler), removeHandler: (channel) => void handlers.delete(channel) },
    nodeApi: () => node.nodeApi,
    isAppUrl, // the check main.ts passes
    logger: pino({ level: 'silent' }),
    desktop: desktopHandlers({
      showItemInFolder: (path) => void opened.push(path),
      openPath: async (path) => (opened.push(path), ''),
      pickFolder: async () => null,
      isKnownPath: (path) => node.library.hasLocation(path),
      loginItem: { get: () => false, set: () => undefined },
      choices: () => ({ sharedDirectory: node.sharedDir, downloadDirectory: node.downloadDir, peerPort: 0, indexPort: 0 }),
      changeChoices: async (next) => void folderChanges.push(next),
    }),
  });
});
afterAll(async () => {
  unregister();
  await node.destroy();
});

describe('IPC handlers', () => {
  it('registers one channel per node API method (the byte streams stay HTTP) and per desktop method', () => {
    const httpOnly = Object.entries(peerRoutes).filter(([, spec]) => 'httpOnly' in spec).map(([name]) => name);
    expect(httpOnly.sort()).toEqual(['download', 'downloadAs', 'downloadedFile', 'getTorrent', 'uploadFiles']);
    expect(nodeMethodNames).toHaveLength(Object.keys(peerRoutes).length - httpOnly.length);
    for (const name of nodeMethodNames) expect(handlers.has(nodeChannel(name))).toBe(true);
    expect(handlers.has(desktopChannel('showInFolder'))).toBe(true);
  });

  it('answers a call with the same handler HTTP runs', async () => {
    const answer = await call(nodeChannel('getInfo'), {});
    expect(answer).toMatchObject({ ok: true, value: { id: node.id, port: node.port } });
    const http = await node.json<{ id: string }>('/api/v1/info');
    expect((answer as { value: { id: string } }).value.id).toBe(http.id);
  });

  it('validates every part with the route\u2019s schemas', async () => {
    const bad: [string, unknown[]][] = [
      [nodeChannel('startDownload'), [{ body: { fileId: 'xyz' } }]],
      [nodeChannel('startDownload'), [{ body: { fileId: 'a'.repeat(64) }, extra: 1 }]],
      [nodeChannel('getInfo'), [{ query: { challenge: 'short' } }]],
      [nodeChannel('getDownload'), [{ params: { downloadId: '../../etc' } }]],
      [nodeChannel('getInfo'), [{}, 'second argument']],
      [nodeChannel('getInfo'), []],
      [desktopChannel('openFile'), [{ path: 'relative' }]],
    ];
    for (const [channel, args] of bad) {
      expect(await call(channel, ...args), channel).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', status: 400 } });
    }
    expect(node.downloads.list()).toHaveLength(0);
  });

  it('sends errors as data with their catalogue code', async () => {
    const answer = await call(nodeChannel('getDownload'), { params: { downloadId: '00000000-0000-4000-8000-000000000000' } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'DOWNLOAD_NOT_FOUND', status: 404 } });
  });

  it('answers a failure outside the catalogue as INTERNAL, logged with its channel, nothing of it sent', async () => {
    const logged: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const broken = new Map<string, Handler>();
    const stop = registerIpc({
      ipcMain: { handle: (channel, fn) => void broken.set(channel, fn as Handler), removeHandler: (channel) => void broken.delete(channel) },
      nodeApi: () => {
        throw new Error('the node at /home/me/.shoal is gone');
      },
      isAppUrl,
      logger: pino({ level: 'info' }, sink),
      desktop: {} as DesktopHandlers,
    });
    try {
      const answer = await (broken.get(nodeChannel('getInfo')) as Handler)(frame(`${APP}/share`), {});
      expect(answer).toEqual({ ok: false, error: { code: 'INTERNAL', message: errorCatalogue.INTERNAL.message, status: 500 } });
      expect(JSON.stringify(answer)).not.toContain('/home/me');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ msg: 'unexpected error while answering', channel: nodeChannel('getInfo'), err: { message: 'the node at /home/me/.shoal is gone' } });
    } finally {
      stop();
    }
  });

  it('answers only the app\u2019s own top frame', async () => {
    const handler = handlers.get(nodeChannel('getInfo')) as Handler;
    const refused = [
      frame('https://evil.example/'),
      frame('app://shoal.evil/share'),
      frame(`${APP}/share`, { url: `${APP}/share` }), // a subframe
      { senderFrame: null } as unknown as IpcMainInvokeEvent, // gone
    ];
    for (const event of refused) expect(await handler(event, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_REMOTE' } });
  });

  it('opens and reveals only files the node knows', async () => {
    const path = join(node.sharedDir, 'known.txt');
    await writeFile(path, 'known');
    await expect.poll(() => node.library.hasLocation(path), { timeout: 15_000 }).toBe(true);
    expect(await call(desktopChannel('openFile'), { path })).toEqual({ ok: true, value: { ok: true } });
    expect(await call(desktopChannel('showInFolder'), { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'PATH_OUTSIDE_LIBRARY' } });
    expect(opened).toEqual([path]);
  });

  it('restarts with new folders or ports only when they change', async () => {
    await call(desktopChannel('setDesktopSettings'), { launchAtLogin: true });
    expect(folderChanges).toHaveLength(0);
    await call(desktopChannel('setDesktopSettings'), { downloadDirectory: '/tmp/elsewhere' });
    expect(folderChanges).toEqual([{ sharedDirectory: node.sharedDir, downloadDirectory: '/tmp/elsewhere', peerPort: 0, indexPort: 0 }]);
    await call(desktopChannel('setDesktopSettings'), { peerPort: 9100 });
    expect(folderChanges[1]).toMatchObject({ peerPort: 9100 });
    expect(await call(desktopChannel('setDesktopSettings'), { peerPort: 70_000 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(folderChanges).toHaveLength(2);
  });

  it('forwards node events to the window on one channel', () => {
    const sent: [string, IpcEvent][] = [];
    // The live node publishes its own events meanwhile (stats, hashing): look at ours only.
    const stop = forwardEvents(node.bus, (channel, event) => {
      if (event.type === 'library_file_removed') sent.push([channel, event]);
    });
    node.bus.publish('library_file_removed', { id: 'b'.repeat(64) });
    stop();
    node.bus.publish('library_file_removed', { id: 'c'.repeat(64) });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.[0]).toBe(EVENT_CHANNEL);
    expect(sent[0]?.[1]).toMatchObject({ type: 'library_file_removed', data: { id: 'b'.repeat(64) } });
  });
});
