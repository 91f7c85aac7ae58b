import { describe, expect, it } from 'vitest';
import type { IpcCallParts, IpcResult, ShoalWindowApi } from '../../src-shared/api/ipc-contract.js';
import { ApiError } from './api-error.js';
import { IpcTransport } from './ipc-transport.js';

/** A window.shoal whose every method records its argument and answers from `answer`. */
function fakeShoal(answer: (method: string, parts: IpcCallParts) => IpcResult, paths: Record<string, string> = {}) {
  const calls: { method: string; parts: IpcCallParts }[] = [];
  const node = new Proxy({}, {
    get: (_target, method: string) => async (parts: IpcCallParts) => {
      calls.push({ method, parts });
      return answer(method, parts);
    },
  });
  const shoal = { node, desktop: {}, onEvent: () => () => undefined, getPathForFile: (f: File) => paths[f.name] ?? '' } as unknown as ShoalWindowApi;
  return { shoal, calls };
}

describe('IpcTransport', () => {
  it('sends only the parts a call has, and unwraps the answer', async () => {
    const { shoal, calls } = fakeShoal(() => ({ ok: true, value: { items: [] } }));
    const transport = new IpcTransport(shoal);
    expect(await transport.invoke('listDownloads', { params: undefined, query: undefined, body: undefined })).toEqual({ items: [] });
    expect(calls).toEqual([{ method: 'listDownloads', parts: {} }]);
  });

  it('turns an error answer into an ApiError with its catalogue code', async () => {
    const { shoal } = fakeShoal(() => ({ ok: false, error: { code: 'DOWNLOAD_NOT_FOUND', message: 'No download has this id.', status: 404 } }));
    const failure = new IpcTransport(shoal).invoke('getDownload', { params: { downloadId: 'x' } });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ code: 'DOWNLOAD_NOT_FOUND', status: 404 });
  });

  it('names a code the catalogue lacks UNKNOWN_CODE, and a malformed answer UNEXPECTED_ANSWER', async () => {
    const unknown = fakeShoal(() => ({ ok: false, error: { code: 'FROM_A_NEWER_APP', message: 'Newer says no.', status: 409 } }) as unknown as IpcResult);
    await expect(new IpcTransport(unknown.shoal).invoke('getInfo', {})).rejects.toMatchObject({ code: 'UNKNOWN_CODE', message: 'Newer says no.', status: 409 });
    for (const junk of [undefined, { ok: false }, { ok: false, error: { code: 'NOT_FOUND' } }, { ok: 'yes', value: 1 }]) {
      const { shoal } = fakeShoal(() => junk as unknown as IpcResult);
      await expect(new IpcTransport(shoal).invoke('getInfo', {})).rejects.toMatchObject({ code: 'UNEXPECTED_ANSWER' });
    }
  });

  it('refuses the HTTP-only byte streams', async () => {
    const { shoal, calls } = fakeShoal(() => ({ ok: true, value: null }));
    await expect(new IpcTransport(shoal).invoke('download', { params: { fileId: 'a'.repeat(64) } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(calls).toHaveLength(0);
  });

  it('shares a dropped file by its path instead of uploading it', async () => {
    const { shoal, calls } = fakeShoal(() => ({ ok: true, value: { path: '/home/u/a.txt', kind: 'file', status: 'queued' } }), { 'a.txt': '/home/u/a.txt' });
    const progress: number[] = [];
    const file = new File(['hello'], 'a.txt');
    const answer = await new IpcTransport(shoal).upload({ file, relativePath: 'a.txt' }, (n) => progress.push(n));
    expect(calls).toEqual([{ method: 'shareFiles', parts: { body: { path: '/home/u/a.txt' } } }]);
    expect(answer.files[0]).toEqual({ name: 'a.txt', path: '/home/u/a.txt', size: 5 });
    expect(progress).toEqual([5]);
    await expect(new IpcTransport(shoal).upload({ file: new File(['x'], 'web.txt'), relativePath: 'web.txt' }, () => undefined)).rejects.toMatchObject({ code: 'NOT_A_FILE' });
  });
});
