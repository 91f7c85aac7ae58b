// Which index servers a search asks first: the registered one, then the list, known-dead ones last.
import { describe, expect, it } from 'vitest';
import { searchOrder } from '../../src-main/core/index-client/search-order.js';

describe('searchOrder', () => {
  it('keeps the order, once each, and moves servers known not to answer to the end', () => {
    expect(searchOrder(['a:1', 'a:1', 'b:2', null, 'self:3'], new Set())).toEqual(['a:1', 'b:2', 'self:3']);
    expect(searchOrder(['a:1', 'a:1', 'b:2', undefined, 'self:3'], new Set(['a:1']))).toEqual(['b:2', 'self:3', 'a:1']);
  });
});
