import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { AllowedHosts } from '../../src-main/core/http/allowed-hosts.js';
import { ControlAccess } from '../../src-main/core/http/control-access.js';
import { isLoopback } from '../../src-main/core/net/remote-address.js';
import { isIgnoredName } from '../../src-main/core/library/ignore-rules.js';
import { isCleanAbsolutePath, isInside } from '../../src-main/core/library/path-rules.js';

const token = 'a'.repeat(64);
const request = (remoteAddress: string, headers: Record<string, string> = {}) => {
  const all: Record<string, string> = { host: '127.0.0.1:9001', ...headers };
  return { socket: { remoteAddress }, query: {}, headers: all, get: (name: string) => all[name.toLowerCase()] } as unknown as Request;
};
const hosts = new AllowedHosts([]);

describe('control access', () => {
  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it('refuses remote clients even with the token, unless remote control is allowed', () => {
    const local = new ControlAccess({ token, allowRemoteControl: false, hosts });
    expect(() => local.assertLocalUser(request('192.168.1.2', { authorization: `Bearer ${token}` }))).toThrow(expect.objectContaining({ code: 'FORBIDDEN_REMOTE', status: 403 }));
    expect(() => local.assertLocalUser(request('127.0.0.1'))).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED', status: 401 }));
    expect(() => local.assertLocalUser(request('127.0.0.1', { authorization: `Bearer ${'b'.repeat(64)}` }))).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(() => local.assertLocalUser(request('127.0.0.1', { 'x-shoal-token': token }))).not.toThrow();
    const remote = new ControlAccess({ token, allowRemoteControl: true, hosts });
    expect(() => remote.assertLocalUser(request('192.168.1.2', { authorization: `Bearer ${token}` }))).not.toThrow();
    expect(() => remote.assertLocalUser(request('192.168.1.2'))).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });
});

describe('paths', () => {
  it('accept only clean absolute paths', () => {
    expect(isCleanAbsolutePath('/home/me/file.txt')).toBe(true);
    expect(isCleanAbsolutePath('/home/me/folder/')).toBe(true);
    for (const p of ['relative.txt', './x', '/home/me/../etc/passwd', '/home/./me', '/home//me', '/x\0y', '']) expect(isCleanAbsolutePath(p)).toBe(false);
  });

  it('tell inside from beside', () => {
    expect(isInside('/a/b/c', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/a', '/a/b')).toBe(false);
  });

  it('ignore hidden, temporary and partial names only', () => {
    for (const n of ['.git', '.DS_Store', 'x.tmp', 'a.swp', 'film.mkv.part', 'f.crdownload', 'f.shoal-partial', '~$doc.docx', 'notes.txt~', 'Thumbs.db', '#autosave#']) expect(isIgnoredName(n)).toBe(true);
    for (const n of ['movie.mkv', 'report.pdf', 'partial.txt', 'temp-notes.md', 'a.b.c']) expect(isIgnoredName(n)).toBe(false);
  });
});
