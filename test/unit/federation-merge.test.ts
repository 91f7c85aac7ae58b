// Merging the federation's answers (src-main/core/index/federation/merge.ts): one result per file
// id, sources united by peer, availability summed, and nothing from another index server taken
// unchecked.
import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src-shared/api/index-routes.js';
import { checkedRemote, hostOfAddress, isDownloadUrlOf, isLoopbackHost, mergeFile, mergeLists } from '../../src-main/core/index/federation/merge.js';

const id = (c: string) => c.repeat(64);
const source = (peer: string, fileId: string, reputation = 50) => ({
  peerId: peer, name: peer, url: `http://10.0.0.${peer.length}:9001/api/v1/download/${fileId}`, reputation, activeUploads: 0, freeUploadSlots: 1,
});
function result(fileId: string, o: Partial<SearchResult> = {}): SearchResult {
  return {
    id: fileId, name: 'song.mp3', names: ['song.mp3'], size: 10, mime: 'audio/mpeg', category: 'audio', tags: ['mp3'], pieceSize: 262144,
    sourceCount: 1, sources: [source('p', fileId)], firstSeen: '2026-01-02T00:00:00.000Z', ...o,
  };
}

describe('merging the federation\u2019s answers', () => {
  it('unites one file\u2019s sources by peer and sums its availability, counting a shared peer once', () => {
    const a = result(id('a'), { sourceCount: 2, sources: [source('p', id('a')), source('q', id('a'))], names: ['song.mp3'] });
    const b = result(id('a'), { sourceCount: 2, sources: [source('q', id('a')), source('rr', id('a'))], names: ['Song (live).mp3'], firstSeen: '2025-01-01T00:00:00.000Z' });
    const merged = mergeFile(a, b, 20);
    expect(merged.sources.map((s) => s.peerId)).toEqual(['p', 'q', 'rr']);
    expect(merged.sourceCount).toBe(3);
    expect(merged.names).toEqual(['song.mp3', 'Song (live).mp3']);
    expect(merged.firstSeen).toBe('2025-01-01T00:00:00.000Z');
  });

  it('ranks by each list\u2019s own order for relevance, and by the field for the other sorts', () => {
    const ours = [result(id('a')), result(id('b'), { size: 1 })];
    const theirs = [result(id('c'), { size: 99 }), result(id('a'))];
    expect(mergeLists([ours, theirs], { sort: 'relevance', q: 'song' }).map((r) => r.id[0])).toEqual(['a', 'c', 'b']);
    expect(mergeLists([ours, theirs], { sort: 'size', q: 'song' }).map((r) => r.id[0])).toEqual(['c', 'a', 'b']);
    expect(mergeLists([ours, theirs], { sort: 'size', order: 'asc', q: 'song' }).map((r) => r.id[0])).toEqual(['b', 'a', 'c']);
  });

  it('takes from another index server only download addresses of that very file', () => {
    expect(isDownloadUrlOf(`http://10.0.0.1:9001/api/v1/download/${id('a')}`, id('a'))).toBe(true);
    expect(isDownloadUrlOf(`https://[::1]:9001/api/v1/download/${id('a')}`, id('a'))).toBe(true);
    for (const bad of [
      'http://evil.example/steal', `http://10.0.0.1:9001/api/v1/download/${id('b')}`, `http://u:p@10.0.0.1/api/v1/download/${id('a')}`,
      `http://10.0.0.1/api/v1/download/${id('a')}?x=1`, `file:///api/v1/download/${id('a')}`, `javascript:alert(1)//api/v1/download/${id('a')}`,
      `ftp://10.0.0.1/api/v1/download/${id('a')}`, `/api/v1/download/${id('a')}`, 'not a url',
    ]) expect(isDownloadUrlOf(bad, id('a')), bad).toBe(false);
    const lie = result(id('a'), { sources: [{ ...source('p', id('a')), url: 'http://evil.example/x' }] });
    expect(checkedRemote(lie)).toBeUndefined(); // no real source left: nothing
    const mixed = result(id('a'), { sourceCount: 1e9, sources: [source('p', id('a')), { ...source('q', id('a')), url: 'http://evil.example/x' }] });
    expect(checkedRemote(mixed)?.sources.map((s) => s.peerId)).toEqual(['p']);
    expect(checkedRemote(mixed)?.sourceCount).toBe(10_000);
  });

  it('drops remote results that do not fit the query\u2019s own filters', () => {
    const r = result(id('a'));
    const q = { q: 'song', minSources: 1, sort: 'relevance', page: 1, pageSize: 50 } as const;
    expect(checkedRemote(r, { ...q, category: 'video' })).toBeUndefined();
    expect(checkedRemote(r, { ...q, minSize: 11 })).toBeUndefined();
    expect(checkedRemote(r, { ...q, ext: 'flac' })).toBeUndefined();
    expect(checkedRemote(r, { ...q, tag: 'rock' })).toBeUndefined();
    expect(checkedRemote(r, { ...q, category: 'audio', ext: 'mp3', tag: 'mp3', maxSize: 10 })?.id).toBe(id('a'));
  });

  it('refuses sources at hosts no downloader should be sent to, and loopback ones unless the member is on loopback itself', () => {
    const path = `/api/v1/download/${id('a')}`;
    for (const host of ['169.254.169.254', '0.0.0.0', '0', '224.0.0.1', '255.255.255.255', '[::]', '[fe80::1]', '[ff02::1]', '[::ffff:169.254.169.254]']) {
      expect(isDownloadUrlOf(`http://${host}:9001${path}`, id('a')), host).toBe(false);
    }
    for (const host of ['127.0.0.1', '127.9.9.9', '[::1]', 'localhost', 'shoal.localhost', '[::ffff:127.0.0.1]', '2130706433']) {
      expect(isDownloadUrlOf(`http://${host}:9001${path}`, id('a'), { loopback: false }), host).toBe(false);
      expect(isDownloadUrlOf(`http://${host}:9001${path}`, id('a'), { loopback: true }), host).toBe(true);
    }
    expect(isDownloadUrlOf(`http://203.0.113.7:9001${path}`, id('a'), { loopback: false })).toBe(true);
    expect(isDownloadUrlOf(`http://peer.example:9001${path}`, id('a'), { loopback: false })).toBe(true);
    expect(isLoopbackHost(hostOfAddress('127.0.0.1:4000') ?? '')).toBe(true);
    expect(isLoopbackHost(hostOfAddress('[::1]:4000') ?? '')).toBe(true);
    expect(isLoopbackHost(hostOfAddress('10.0.0.1:4000') ?? '')).toBe(false);
    const loopbackSource = result(id('a'), { sources: [{ ...source('p', id('a')), url: `http://127.0.0.1:9001${path}` }] });
    expect(checkedRemote(loopbackSource, undefined, { loopback: false })).toBeUndefined();
    expect(checkedRemote(loopbackSource, undefined, { loopback: true })?.sources).toHaveLength(1);
  });

  it('drops remote results that speak of none of the query\u2019s words, or list fewer sources than asked', () => {
    const q = { q: 'song', minSources: 1, sort: 'relevance', page: 1, pageSize: 50 } as const;
    const unrelated = result(id('a'), { name: 'casino.exe', names: ['casino.exe'], tags: [] });
    expect(checkedRemote(unrelated, q)).toBeUndefined();
    expect(checkedRemote(unrelated, { ...q, q: '' })?.id).toBe(id('a')); // no words: every file fits
    expect(checkedRemote(unrelated, { ...q, q: 'holiday OR CASINO' })?.id).toBe(id('a'));
    expect(checkedRemote(unrelated, { ...q, q: '-song cas' })?.id).toBe(id('a')); // the last word is a prefix
    expect(checkedRemote(result(id('a'), { name: 'x.mp3', names: ['x.mp3'], tags: ['Caf\u00e9'] }), { ...q, q: 'cafe' })?.id).toBe(id('a'));
    expect(checkedRemote(result(id('a'), { name: 'x.mp3', names: ['x.mp3'], tags: [], folders: ['Music/Songs'] }), q)?.id).toBe(id('a'));
    const two = result(id('a'), { sourceCount: 2, sources: [source('p', id('a')), source('qq', id('a'))] });
    expect(checkedRemote(two, { ...q, minSources: 2 })?.id).toBe(id('a'));
    expect(checkedRemote(two, { ...q, minSources: 3 })).toBeUndefined();
    // Claiming many is not enough: a result lists as many as it can (up to 20).
    expect(checkedRemote(result(id('a'), { sourceCount: 50 }), { ...q, minSources: 2 })).toBeUndefined();
  });

  it('ranks other servers\u2019 results by the sources they list, not the count they claim, and no first-seen time after now', () => {
    const now = Date.parse('2026-01-10T00:00:00.000Z');
    const ours = [result(id('a'), { sourceCount: 3, sources: [source('p', id('a'))] })];
    const claim = checkedRemote(result(id('b'), { sourceCount: 9_999, firstSeen: '2099-01-01T00:00:00.000Z' }), undefined, { loopback: true }, now)!;
    expect(claim.firstSeen).toBe(new Date(now).toISOString());
    expect(mergeLists([ours, [claim]], { sort: 'sources', q: 'song' }, 20, now).map((r) => r.id[0])).toEqual(['a', 'b']);
    // Two claims of the future are both "now": neither outranks the other by its lie.
    const soon = result(id('c'), { firstSeen: '2098-01-01T00:00:00.000Z' });
    const later = result(id('d'), { firstSeen: '2099-01-01T00:00:00.000Z' });
    expect(mergeLists([[soon], [later]], { sort: 'newest', q: 'song' }, 20, now).map((r) => r.id[0])).toEqual(['c', 'd']);
    expect(mergeLists([[soon], [later]], { sort: 'newest', q: 'song' }, 20, Date.parse('2100-01-01T00:00:00.000Z')).map((r) => r.id[0])).toEqual(['d', 'c']);
  });
});
