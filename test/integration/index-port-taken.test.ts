// "Run as index server" when the index port is taken (issue 16 item 7): the node offers a free
// port instead, takes its own port the moment it frees up, and keeps a port the user picked.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { pollUntil } from '../support/poll.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { typedClient } from '../support/typed-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function blockPort(): Promise<{ port: number; free(): Promise<void> }> {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  let open = true;
  const free = () => (open ? new Promise<void>((resolve) => blocker.close(() => resolve())).then(() => void (open = false)) : Promise.resolve());
  cleanups.push(free);
  return { port: (blocker.address() as { port: number }).port, free };
}

const setRole = (n: TestNode, body: { enabled: boolean; port?: number }) => n.client.setIndexRole({ body });
const role = (n: TestNode) => n.client.getIndexRole();
/** The index answering on `port`. */
const indexStats = (port: number) => typedClient(indexRoutes, `127.0.0.1:${port}`).stats();

describe('index port taken', () => {
  it('offers a free port, and takes its own the moment it frees up', async () => {
    const busy = await blockPort();
    const n = await startTestNode({ superPeer: { port: busy.port } });
    cleanups.push(() => n.destroy());
    await expect(setRole(n, { enabled: true })).rejects.toMatchObject({ status: 409 });
    const waiting = await role(n);
    expect(waiting).toMatchObject({ state: 'off', waitingForPort: true });
    expect(waiting.lastError).toContain(`${busy.port} is already in use`);
    expect(waiting.suggestedPort).toEqual(expect.any(Number));
    expect(waiting.suggestedPort).not.toBe(busy.port);

    await busy.free();
    const on = await pollUntil(async () => {
      const r = await role(n);
      return r.state === 'on' && r;
    }, 'the role on once the port is free', 10_000);
    expect(on).toMatchObject({ port: busy.port, lastError: null, waitingForPort: false, suggestedPort: null });
    expect((await indexStats(busy.port)).uptimeSeconds).toEqual(expect.any(Number));
  });

  it('listens on the port the user picked instead, and keeps it across a restart', async () => {
    const busy = await blockPort();
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    let n = await startTestNode({ root: dir.path, superPeer: { port: busy.port } });
    await expect(setRole(n, { enabled: true })).rejects.toMatchObject({ status: 409 });
    const offered = (await role(n)).suggestedPort;
    if (typeof offered !== 'number') throw new Error('no port offered');

    const picked = await setRole(n, { enabled: true, port: offered });
    expect(picked).toMatchObject({ state: 'on', port: offered, lastError: null, waitingForPort: false });
    expect((await indexStats(offered)).uptimeSeconds).toEqual(expect.any(Number));
    await n.stop();

    n = await startTestNode({ root: dir.path, superPeer: { port: busy.port } });
    cleanups.push(() => n.stop());
    expect(await role(n)).toMatchObject({ state: 'on', port: offered });
  });

  it('refuses a port out of range and changes nothing', async () => {
    const n = await startTestNode();
    cleanups.push(() => n.destroy());
    // Raw: the contract refuses the port before it leaves.
    const res = await n.api('/api/v1/settings/index-role', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: true, port: 70_000 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect(await role(n)).toMatchObject({ state: 'off' });
  });
});
