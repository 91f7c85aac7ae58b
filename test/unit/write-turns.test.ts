// The index's registration writes: one per event-loop turn, in order, with what arrived meanwhile
// served between two writes; an error is its own write's only.
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WriteTurns } from '../../src-main/core/index/write-turns.js';

describe('WriteTurns', () => {
  it('runs writes in the order asked, each with its own result or error', async () => {
    const turns = new WriteTurns();
    const order: string[] = [];
    const a = turns.run(() => (order.push('a'), 1));
    const b = turns.run(() => {
      order.push('b');
      throw new Error('b failed');
    });
    const c = turns.run(() => (order.push('c'), 3));
    expect(order).toEqual([]); // never in the caller's turn
    await expect(a).resolves.toBe(1);
    await expect(b).rejects.toThrow('b failed');
    await expect(c).resolves.toBe(3);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('serves a request that arrived during a write before the next write', async () => {
    const turns = new WriteTurns();
    const order: string[] = [];
    const server = createServer((_req, res) => {
      order.push('request');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<void>((resolve) => server.once('connection', () => resolve()));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await accepted; // the server reads this socket from now on
      const writes = [turns.run(() => {
        order.push('write 1');
        // The request reaches the server's socket while this write still holds the thread.
        client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        const until = Date.now() + 30;
        while (Date.now() < until); // a store write's time
      })];
      for (let i = 2; i <= 4; i++) writes.push(turns.run(() => void order.push(`write ${i}`)));
      await Promise.all(writes);
      // Written back to back, the request would have waited for write 4.
      expect(order).toEqual(['write 1', 'request', 'write 2', 'write 3', 'write 4']);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('runs every waiting write at once when flushed (the index stops)', async () => {
    const turns = new WriteTurns();
    const done: number[] = [];
    const writes = [1, 2, 3].map((n) => turns.run(() => done.push(n)));
    turns.flush();
    expect(done).toEqual([1, 2, 3]);
    await Promise.all(writes);
    expect(done).toEqual([1, 2, 3]); // not run twice
  });
});
