// Telling same-named peers apart (src-main/core/index/display-names.ts): the first registered keeps
// the name, the others get their short id; case and surrounding spaces do not make a name new.
import { describe, expect, it } from 'vitest';
import { nameKey, suffixedNames } from '../../src-main/core/index/display-names.js';

const id = (letter: string) => Array.from({ length: 8 }, () => letter.repeat(7)).join('-');

describe('suffixedNames', () => {
  it('leaves unique names alone and suffixes every later peer of a shared name', () => {
    const names = suffixedNames([
      { peerId: id('A'), name: 'vm' },
      { peerId: id('B'), name: 'laptop' },
      { peerId: id('C'), name: 'VM ' },
      { peerId: id('D'), name: 'vm' },
    ]);
    expect(names).toEqual(new Map([[id('C'), 'VM (CCCCCCC)'], [id('D'), 'vm (DDDDDDD)']]));
  });

  it('compares names as a reader would', () => {
    expect(nameKey('  Vm ')).toBe(nameKey('vm'));
    expect(nameKey('ＶＭ')).toBe(nameKey('vm')); // full-width letters (NFKC)
    expect(nameKey('vm2')).not.toBe(nameKey('vm'));
  });
});
