import { describe, expect, it } from 'vitest';
import { batchProblem, clicked } from './use-selection.js';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('clicked', () => {
  it('toggles one row on a plain click', () => {
    expect([...clicked(new Set(), 'b', false, null, order)]).toEqual(['b']);
    expect([...clicked(new Set(['b']), 'b', false, 'b', order)]).toEqual([]);
  });

  it('selects the range from the last clicked row on a shift-click, in either direction', () => {
    expect([...clicked(new Set(['b']), 'd', true, 'b', order)].sort()).toEqual(['b', 'c', 'd']);
    expect([...clicked(new Set(['e']), 'c', true, 'e', order)].sort()).toEqual(['c', 'd', 'e']);
  });

  it('toggles alone when the anchor is no longer shown', () => {
    expect([...clicked(new Set(), 'c', true, 'gone', order)]).toEqual(['c']);
  });
});

describe('batchProblem', () => {
  it('says nothing when all went well, and the count and first reason otherwise', () => {
    expect(batchProblem({ failed: 0, results: [{ ok: true }] })).toBeNull();
    expect(batchProblem({ failed: 2, results: [{ ok: true }, { ok: false, error: { message: 'No download has this id.' } }] })).toBe('2 items failed: No download has this id.');
  });
});
