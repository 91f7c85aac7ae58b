// The UI token kept for the browser profile: the printed link sets an HttpOnly, SameSite=Strict
// cookie scoped to this node, which then opens the control API from the node's own pages only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestNode, type TestNode } from '../support/test-node.js';

let node: TestNode;
let other: TestNode;
beforeAll(async () => {
  [node, other] = await Promise.all([startTestNode(), startTestNode()]);
});
afterAll(async () => {
  await Promise.all([node.destroy(), other.destroy()]);
});

// Requests here stay raw: cookies and the browser's Sec-Fetch-Site and Origin headers are what
// they vary, and the typed client sends none of them.
const control = '/api/v1/settings/transfers';

async function cookieFromLink(n: TestNode, token: string): Promise<string | null> {
  const res = await fetch(`${n.url}/?token=${token}`);
  await res.body?.cancel();
  return res.headers.get('set-cookie');
}

describe('the token cookie', () => {
  it('the printed link sets it: HttpOnly, SameSite=Strict, named for this node\u2019s port', async () => {
    const cookie = await cookieFromLink(node, node.token);
    expect(cookie).toMatch(new RegExp(`^shoal-token-${node.port}=${node.token}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Strict$`));
    expect(await cookieFromLink(node, 'f'.repeat(64))).toBeNull(); // a wrong token sets nothing
    const page = await fetch(`${node.url}/`);
    await page.body?.cancel();
    expect(page.headers.get('set-cookie')).toBeNull();
  });

  it('opens the control API for a second tab or a bookmark (no token in the address)', async () => {
    const cookie = (await cookieFromLink(node, node.token))!.split(';')[0]!;
    expect((await fetch(`${node.url}${control}`, { headers: { cookie } })).status).toBe(200);
    // A bookmark or a same-origin fetch, as browsers label them.
    expect((await fetch(`${node.url}${control}`, { headers: { cookie, 'sec-fetch-site': 'none' } })).status).toBe(200);
    expect((await fetch(`${node.url}${control}`, { headers: { cookie, 'sec-fetch-site': 'same-origin', origin: node.url } })).status).toBe(200);
    await expect(node.publicClient.getTransferSettings()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('is refused from another origin, even another port of the same machine', async () => {
    const cookie = (await cookieFromLink(node, node.token))!.split(';')[0]!;
    for (const headers of <Record<string, string>[]>[
      { cookie, 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3000' },
      { cookie, origin: 'http://127.0.0.1:3000' },
      { cookie, 'sec-fetch-site': 'cross-site' },
    ]) {
      const res = await fetch(`${node.url}${control}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, JSON.stringify(headers)).toBe(401);
    }
  });

  it('is one node\u2019s: another node on the same machine does not take it', async () => {
    const cookie = (await cookieFromLink(node, node.token))!.split(';')[0]!;
    expect((await fetch(`${other.url}${control}`, { headers: { cookie } })).status).toBe(401);
  });

  it('lets the UI\u2019s WebSocket get the local user\u2019s events', async () => {
    const cookie = (await cookieFromLink(node, node.token))!.split(';')[0]!;
    const ws = new WebSocket(`${node.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin: node.url } });
    const seen = new Promise<string>((resolve) => ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as { type: string };
      if (event.type === 'transfer_failed') resolve(event.type);
    }));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    // A transfer event goes to the local user's sockets only (public-view.ts).
    node.bus.publish('transfer_failed', { id: 'x' } as never);
    expect(await seen).toBe('transfer_failed');
    ws.close();
  });
});
