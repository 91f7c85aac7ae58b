import { describe, expect, it } from 'vitest';
import { FakeTransport } from '../test-support/fake-transport.js';
import { ApiError } from './api-error.js';
import { routeUrl } from './http-transport.js';
import { createNodeClient } from './node-client.js';

describe('the typed node client', () => {
  it('checks input with the route schema before anything leaves', async () => {
    const transport = new FakeTransport({ startDownload: () => ({}) });
    const api = createNodeClient(transport);
    await expect(api.startDownload({ body: { fileId: 'not-an-id' } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(transport.calls).toEqual([]);
  });

  it('fills query defaults and parses the answer with the response schema', async () => {
    const transport = new FakeTransport({ listFiles: () => ({ items: [], total: 0, page: 1, pageSize: 50 }) });
    const api = createNodeClient(transport);
    expect(await api.listFiles()).toEqual({ items: [], total: 0, page: 1, pageSize: 50 });
    expect(transport.calls[0]?.parts.query).toMatchObject({ page: 1, pageSize: 50, sort: 'name', order: 'asc' });
  });

  it('refuses an answer of the wrong shape', async () => {
    const api = createNodeClient(new FakeTransport({ getInfo: () => ({ id: 1 }) }));
    const err = await api.getInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('UNEXPECTED_ANSWER');
  });

  it('builds the HTTP address from the route table', () => {
    const id = 'ab'.repeat(32);
    expect(routeUrl('http://127.0.0.1:9001', 'unshareFile', { params: { fileId: id } })).toBe(`http://127.0.0.1:9001/api/v1/files/unshare/${id}`);
    expect(routeUrl('http://n:1', 'searchNetwork', { query: { q: 'sea turtle ', category: undefined, pageSize: 100 } })).toBe('http://n:1/api/v1/network/search?q=sea+turtle+&pageSize=100');
  });
});
