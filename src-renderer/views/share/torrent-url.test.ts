import { describe, expect, it } from 'vitest';
import { ownOrigin, torrentUrl } from './torrent-url.js';

const id = 'ab'.repeat(32);

describe('the address "Copy .torrent" copies', () => {
  it('is the index server\u2019s torrent while this node is registered (every source a web seed), else this node\u2019s', () => {
    expect(torrentUrl(id, '192.168.1.5:8080', 'http://127.0.0.1:9001')).toBe(`http://192.168.1.5:8080/api/v1/files/${id}/torrent`);
    expect(torrentUrl(id, null, 'http://shoal.lan:9001')).toBe(`http://shoal.lan:9001/api/v1/files/${id}/torrent`);
  });

  it('reaches this node as the page does, or on loopback from the desktop app', () => {
    expect(ownOrigin({ protocol: 'https:', origin: 'https://shoal.example' }, 9001)).toBe('https://shoal.example');
    expect(ownOrigin({ protocol: 'file:', origin: 'null' }, 9123)).toBe('http://127.0.0.1:9123');
  });
});
