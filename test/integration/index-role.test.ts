// "Run as index server", live: a plain peer turns the role on and off without a restart; the
// choice persists, the index data survives, and a busy port is a clear error.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { postRegistration, startAddressResponder } from '../support/signed-registration.js';
import { sha256 } from '../support/sha256.js';
import { typedClient } from '../support/typed-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const setRole = (n: TestNode, enabled: boolean) => n.client.setIndexRole({ body: { enabled } });

describe('index role switch', () => {
  it('turns on and off live, persists, and keeps the index data', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    let n = await startTestNode({ root: dir.path });
    expect(await n.client.getIndexRole()).toMatchObject({ enabled: false, state: 'off', port: null });

    const on = await setRole(n, true);
    expect(on).toMatchObject({ enabled: true, state: 'on' });
    const indexUrl = `http://127.0.0.1:${on.port}`;
    expect((await fetch(`${indexUrl}/api/v1/stats`)).status).toBe(200);
    expect((await n.client.getInfo()).roles).toEqual(['peer', 'index']);

    const id = sha256('kept');
    const peer = await startAddressResponder();
    cleanups.push(() => peer.close());
    const reg = await postRegistration(indexUrl, peer.key, { name: 'p', port: peer.port, files: [{ id, name: 'kept.txt', size: 4, mime: 'text/plain', category: 'document', tags: [], pieceSize: 262144 }] });
    expect(reg.status).toBe(200);

    const off = await setRole(n, false);
    expect(off).toMatchObject({ enabled: false, state: 'off', port: null });
    await expect(fetch(`${indexUrl}/api/v1/stats`)).rejects.toThrow();

    // On again: the same index, from SQLite (the peer is known, offline until it registers again).
    const again = await setRole(n, true);
    const found = await typedClient(indexRoutes, `127.0.0.1:${again.port}`).search({ query: { q: 'kept', minSources: 0 } });
    expect(found.total).toBe(1);
    await n.stop();

    // The choice persists across a restart.
    n = await startTestNode({ root: dir.path });
    cleanups.push(() => n.stop());
    expect(await n.client.getIndexRole()).toMatchObject({ enabled: true, state: 'on' });
  });

  it('refuses the role change without the token, and reports a busy port clearly', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const busyPort = (blocker.address() as { port: number }).port;
    const n = await startTestNode({ superPeer: { port: busyPort } });
    cleanups.push(() => n.destroy());
    await expect(n.publicClient.setIndexRole({ body: { enabled: true } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await expect(setRole(n, true)).rejects.toMatchObject({ status: 409, code: 'PORT_IN_USE' });
    expect(await n.client.getIndexRole()).toMatchObject({ enabled: false, state: 'off' });
  });

  it('starts the node anyway when the saved role cannot start, and says why', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const busyPort = (blocker.address() as { port: number }).port;
    const n = await startTestNode({ superPeer: { enabled: true, port: busyPort } });
    cleanups.push(() => n.destroy());
    expect((await n.api('/api/v1/info')).status).toBe(200);
    const role = await n.client.getIndexRole();
    expect(role).toMatchObject({ enabled: false, state: 'off' });
    expect(role.lastError).toContain(`The index port ${busyPort} is already in use`);
  });
});
