import { describe, expect, it } from 'vitest';
import { searchFromUrl, searchToUrl } from './search-url.js';

describe('the search in the address', () => {
  it('round-trips query, category and filters', () => {
    const state = { query: 'daft punk ', category: 'audio' as const, filters: { ext: 'mp3', minSize: 1024, minSources: 2, sort: 'size' as const } };
    expect(searchFromUrl(searchToUrl(state))).toEqual(state);
    expect(searchToUrl({ query: '', category: null, filters: {} })).toBe('');
  });

  it('drops what is not valid in a hand-edited address', () => {
    expect(searchFromUrl('?q=x&category=nope&ext=..%2Fa&minSize=-1&sort=random&minSources=abc')).toEqual({ query: 'x', category: null, filters: {} });
    expect(searchFromUrl(`?q=${'a'.repeat(300)}`).query).toBe('');
  });
});
