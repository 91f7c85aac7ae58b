import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { searchQuerySchema } from '../../src-shared/api/index-routes.js';
import { ftsString, parseSearchQuery, searchQueryToFts, toFtsExpression } from '../../src-main/core/index/search-query-parser.js';

const fts = (q: string) => searchQueryToFts(q);

describe('parseSearchQuery', () => {
  it('reads words, all required, the last one a prefix while typing', () => {
    expect(parseSearchQuery('holiday vid')).toEqual({
      required: [[{ text: 'holiday', phrase: false, prefix: false }], [{ text: 'vid', phrase: false, prefix: true }]],
      excluded: [],
    });
  });

  it('makes no prefix after a trailing space, or when told not to', () => {
    expect(parseSearchQuery('holiday ').required).toEqual([[{ text: 'holiday', phrase: false, prefix: false }]]);
    expect(parseSearchQuery('holiday', { prefixLast: false }).required).toEqual([[{ text: 'holiday', phrase: false, prefix: false }]]);
  });

  it('gets the query from the API as typed: the trailing space survives validation, the length stays bounded', () => {
    const typing = searchQuerySchema.parse({ q: 'holiday vid' });
    const done = searchQuerySchema.parse({ q: 'holiday vid ' });
    expect(done.q).toBe('holiday vid ');
    expect(parseSearchQuery(typing.q).required[1]).toEqual([{ text: 'vid', phrase: false, prefix: true }]);
    expect(parseSearchQuery(done.q).required[1]).toEqual([{ text: 'vid', phrase: false, prefix: false }]);
    expect(parseSearchQuery(searchQuerySchema.parse({ q: '   ' }).q)).toEqual({ required: [], excluded: [] });
    expect(searchQuerySchema.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
  });

  it('honours minPrefixLength on the last token', () => {
    expect(parseSearchQuery('a', { minPrefixLength: 2 }).required[0]?.[0]?.prefix).toBe(false);
    expect(parseSearchQuery('ab', { minPrefixLength: 2 }).required[0]?.[0]?.prefix).toBe(true);
    expect(parseSearchQuery('"holiday v', { minPrefixLength: 2 }).required[0]?.[0]?.prefix).toBe(false);
  });

  it('reads phrases; an unclosed one runs to the end and is a prefix', () => {
    expect(parseSearchQuery('"holiday video" 2024').required).toEqual([
      [{ text: 'holiday video', phrase: true, prefix: false }],
      [{ text: '2024', phrase: false, prefix: true }],
    ]);
    expect(parseSearchQuery('x "holiday vid').required[1]).toEqual([{ text: 'holiday vid', phrase: true, prefix: true }]);
    expect(parseSearchQuery('"holiday video"').required[0]).toEqual([{ text: 'holiday video', phrase: true, prefix: false }]);
  });

  it('reads exclusions, never as prefixes', () => {
    expect(parseSearchQuery('film -trailer -"making of"')).toEqual({
      required: [[{ text: 'film', phrase: false, prefix: false }]],
      excluded: [{ text: 'trailer', phrase: false, prefix: false }, { text: 'making of', phrase: true, prefix: false }],
    });
  });

  it('joins terms around OR into one group', () => {
    expect(parseSearchQuery('mkv OR avi film ').required.map((g) => g.map((t) => t.text))).toEqual([['mkv', 'avi'], ['film']]);
    expect(parseSearchQuery('a OR b OR c d ').required.map((g) => g.map((t) => t.text))).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('ignores OR at the ends, doubled, or next to an exclusion; lower-case or is a word', () => {
    const texts = (q: string) => parseSearchQuery(q).required.map((g) => g.map((t) => t.text));
    expect(texts('OR a ')).toEqual([['a']]);
    expect(texts('a OR ')).toEqual([['a']]);
    expect(texts('a OR OR b ')).toEqual([['a'], ['b']]);
    expect(texts('a OR -b ')).toEqual([['a']]);
    expect(texts('-a OR b ')).toEqual([['b']]);
    expect(texts('a or b ')).toEqual([['a'], ['or'], ['b']]);
    expect(texts('OR')).toEqual([]);
  });

  it('drops what has no letter or digit: lone dashes, empty quotes, punctuation', () => {
    expect(parseSearchQuery('- -- "" "  " *** ^ : ()')).toEqual({ required: [], excluded: [] });
  });

  it('keeps at most maxTerms terms', () => {
    const q = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(parseSearchQuery(q, { maxTerms: 24 }).required).toHaveLength(24);
  });
});

describe('searchQueryToFts', () => {
  it('quotes every term', () => {
    expect(fts('holiday video')).toBe('("holiday" AND "video" *)');
    expect(fts('"holiday video" ')).toBe('("holiday video")');
  });

  it('adds the camelCase split of a word as an alternative', () => {
    expect(fts('HolidayVideo ')).toBe('(("HolidayVideo" OR "Holiday Video"))');
  });

  it('expresses exclusions with NOT, and needs matchAll when nothing is required', () => {
    expect(fts('film -trailer ')).toBe('(("film") NOT ("trailer"))');
    expect(fts('-trailer')).toBeUndefined();
    expect(searchQueryToFts('-trailer', { matchAll: 'meta : "x"' })).toBe('(meta : "x" NOT ("trailer"))');
  });

  it('scopes terms to columns', () => {
    expect(searchQueryToFts('a b ', { columns: '{name tags}' })).toBe('{name tags} : ("a" AND "b")');
  });

  it('gives nothing for an empty or blank query', () => {
    expect(fts('')).toBeUndefined();
    expect(fts('   ')).toBeUndefined();
    expect(toFtsExpression({ required: [], excluded: [] })).toBeUndefined();
  });

  it('doubles quotes inside strings', () => {
    expect(ftsString('a"b')).toBe('"a""b"');
  });

  it('turns FTS5 syntax in user text into plain words', () => {
    expect(fts('NEAR(a b) AND c* NOT d ')).toBe('("NEAR a" AND "b" AND "AND" AND "c" AND "NOT" AND "d")');
    expect(fts('name:holiday ^start {name} ')).toBe('("name holiday" AND "start" AND "name")');
  });
});

describe('every expression is valid FTS5', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(name, tags, meta, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')`);
  db.prepare('INSERT INTO t (rowid, name, tags, meta) VALUES (1, ?, ?, ?)').run('My Holiday Video 2024 mp4 MyHolidayVideo', 'video', 'cvideo');
  db.prepare('INSERT INTO t (rowid, name, tags, meta) VALUES (2, ?, ?, ?)').run('Café del Mar Don t Stop flac', 'audio', 'caudio');
  const match = db.prepare<[string], { rowid: number }>('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid');
  afterAll(() => db.close());
  const run = (q: string) => {
    const expr = searchQueryToFts(q, { columns: '{name tags}', matchAll: 'meta : ("cvideo" OR "caudio")' });
    return expr === undefined ? undefined : match.all(expr).map((r) => r.rowid);
  };

  it('finds what the query language promises', () => {
    expect(run('holi')).toEqual([1]);
    expect(run('holiday video')).toEqual([1]);
    expect(run('"video 2024"')).toEqual([1]);
    expect(run('"2024 video"')).toEqual([]);
    expect(run('myholidayvideo')).toEqual([1]);
    expect(run('HolidayVideo')).toEqual([1]);
    expect(run('cafe')).toEqual([2]);
    expect(run('CAFÉ')).toEqual([2]);
    expect(run("don't")).toEqual([2]);
    expect(run('mp4 OR flac')).toEqual([1, 2]);
    expect(run('-flac')).toEqual([1]);
    expect(run('video -holiday')).toEqual([]);
    expect(run('audio')).toEqual([2]);
  });

  const hostile = [
    '"', '""', '"""', '-', '--', '- -', '-"', '-""', 'OR', 'OR OR', 'a OR', 'OR a', 'AND', 'NOT', 'NEAR', 'NEAR(', 'NEAR(a b, 2)',
    'a AND', 'a NOT b', '*', 'a*', '*a', 'a * b', '^', '^a', 'a^b', '(', ')', '()', '(a OR b)', ':', 'a:', ':a', 'name:a', '{name}:a',
    '{', '}', '+', 'a+b', '\\', "'", "a'b", '"a" "b', 'a"b"c', '\u0000', '\u200b', 'e\u0301', '🦈', '🦈 shoal', '日本語', 'ﬁle', 'İstanbul',
    'a'.repeat(200), '"'.repeat(50), '- '.repeat(50), 'OR '.repeat(40), '(a) (b) ("c")', 'col : "x"', 'x -"y', '-"x y" z',
  ];
  it.each(hostile)('never breaks on %j', (q) => {
    expect(() => run(q)).not.toThrow();
    expect(() => run(`${q} `)).not.toThrow();
    expect(() => run(`holiday ${q}`)).not.toThrow();
  });

  it('survives random junk', () => {
    const alphabet = ['a', 'b', 'é', ' ', ' ', '"', '-', '*', '(', ')', ':', '^', 'OR', 'AND', 'NOT', 'NEAR', '{', '}', ',', '🦈', '\t', '.', "'"];
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      let q = '';
      const n = Math.floor(rand() * 12);
      for (let j = 0; j < n; j++) q += alphabet[Math.floor(rand() * alphabet.length)];
      expect(() => run(q), q).not.toThrow();
    }
  });
});
