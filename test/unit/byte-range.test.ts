import { describe, expect, it } from 'vitest';
import { parseByteRange } from '../../src-main/core/http/byte-range.js';

describe('parseByteRange', () => {
  it.each([
    [undefined, 1000, { kind: 'full' }],
    ['bytes=0-99', 1000, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', 1000, { kind: 'partial', start: 100, end: 999 }],
    ['bytes=990-5000', 1000, { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-10', 1000, { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-5000', 1000, { kind: 'partial', start: 0, end: 999 }],
    ['bytes=999-999', 1000, { kind: 'partial', start: 999, end: 999 }],
    [' bytes = 5 - 6 ', 1000, { kind: 'partial', start: 5, end: 6 }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=50-10', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=abc', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 1000, { kind: 'full' }], // several ranges: the whole file, as RFC 9110 allows
    ['items=0-5', 1000, { kind: 'full' }], // unknown unit: ignored
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });
});
