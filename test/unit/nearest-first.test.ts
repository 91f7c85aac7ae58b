// The index server list: the user's order, except that a clearly nearer server moves ahead within
// its kind, with the one in use favoured so a peer never flaps between two.
import { describe, expect, it } from 'vitest';
import { nearestFirst } from '../../src-main/core/index-client/nearest-first.js';
import type { IndexServerRef } from '../../src-main/core/index-client/server-choice.js';

const ref = (address: string, source: IndexServerRef['source'] = 'configured'): IndexServerRef => ({ address, source });
const order = (list: IndexServerRef[], rtt: Record<string, number>, current?: string) => nearestFirst(list, (a) => rtt[a], current).map((r) => r.address);

describe('nearest first', () => {
  it('moves a clearly nearer server ahead within its kind; unmeasured ones and the kinds keep their places', () => {
    const list = [ref('a'), ref('b'), ref('c'), ref('d', 'added'), ref('e', 'added'), ref('self', 'self'), ref('f', 'discovered'), ref('g', 'discovered')];
    expect(order(list, { a: 80, b: 5, d: 40, e: 3, self: 0, f: 30, g: 1 })).toEqual(['b', 'a', 'c', 'e', 'd', 'self', 'g', 'f']);
    expect(order(list, { a: 80, c: 5 })).toEqual(['a', 'b', 'c', 'd', 'e', 'self', 'f', 'g']); // b unmeasured: c can't pass it
    expect(order(list, {})).toEqual(list.map((r) => r.address));
    expect(order(list, { a: 30, b: 20 })).toEqual(list.map((r) => r.address)); // nearer, not clearly
  });

  it('favours the server in use: a peer moves only for a clear gain, and never back on jitter', () => {
    const list = [ref('a'), ref('b')];
    expect(order(list, { a: 50, b: 20 })).toEqual(['b', 'a']); // clearly nearer: the peer moves to b
    expect(order(list, { a: 45, b: 25 }, 'b')).toEqual(['b', 'a']); // then jitter does not bring it back
    expect(order(list, { a: 45, b: 25 })).toEqual(['a', 'b']); // (without the favour it would)
    expect(order(list, { a: 8, b: 25 }, 'b')).toEqual(['a', 'b']); // a clear gain does
  });
});
