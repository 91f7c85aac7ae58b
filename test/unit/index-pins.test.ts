// The ids index server addresses must prove (net/index-pins.ts), over a real node state file: a
// pin survives a restart, an id given with a configured address wins and cannot be forgotten here,
// and the pins are bounded, the least recently used going first.
import { afterEach, describe, expect, it } from 'vitest';
import { NodeKey } from '../../src-main/core/identity/node-key.js';
import { IndexPins } from '../../src-main/core/net/index-pins.js';
import { canonicalHostPort, indexAddressSchema } from '../../src-shared/api/index-address.js';
import { openNodeStateFile, type NodeStateFile } from '../support/node-state-file.js';

let file: NodeStateFile | undefined;
afterEach(() => file?.close());

const id = () => NodeKey.generate().id;

describe('index server pins', () => {
  it('keeps the id an address proved first across a restart, until it is forgotten', async () => {
    file = await openNodeStateFile();
    const first = id();
    const pins = new IndexPins({ state: file.state });
    pins.learned('Index.LAN:08080', first);
    pins.learned('index.lan:8080', id()); // only the first proof pins
    expect(pins.expected('index.lan:8080')).toBe(first);
    expect(JSON.parse(file.row('index_pins') ?? '')).toEqual([`index.lan:8080#${first}`]);

    const again = new IndexPins({ state: file.reopen() });
    expect(again.expected('index.lan:8080')).toBe(first);
    const other = id();
    again.refused('index.lan:8080', other);
    expect(again.view('index.lan:8080')).toEqual({ nodeId: first, given: false, presented: other });
    again.forget('index.lan:8080');
    expect(again.expected('index.lan:8080')).toBeUndefined();
    expect(again.view('index.lan:8080')).toBeUndefined();
    expect(new IndexPins({ state: file.reopen() }).expected('index.lan:8080')).toBeUndefined();
  });

  it('accepts only the id given with a configured address, and leaves it to the configuration', async () => {
    file = await openNodeStateFile();
    const given = id();
    const pins = new IndexPins({ state: file.state, given: () => new Map([['index.lan:8080', given]]) });
    pins.learned('index.lan:8080', id());
    expect(pins.expected('index.lan:8080')).toBe(given);
    expect(pins.view('index.lan:8080')).toEqual({ nodeId: given, given: true, presented: null });
    expect(() => pins.forget('index.lan:8080')).toThrow(expect.objectContaining({ code: 'INDEX_ID_CONFIGURED' }));
    expect(file.row('index_pins')).toBeUndefined();
  });

  it('keeps at most its bound, dropping the least recently used', async () => {
    file = await openNodeStateFile();
    const pins = new IndexPins({ state: file.state, max: 3 });
    const ids = [id(), id(), id(), id()];
    pins.learned('a:1', ids[0] as string);
    pins.learned('b:1', ids[1] as string);
    pins.learned('c:1', ids[2] as string);
    expect(pins.expected('a:1')).toBe(ids[0]); // used: b is now the least recently used
    pins.learned('d:1', ids[3] as string);
    expect(pins.expected('b:1')).toBeUndefined();
    expect(['a:1', 'c:1', 'd:1'].map((a) => pins.expected(a))).toEqual([ids[0], ids[2], ids[3]]);
    expect(JSON.parse(file.row('index_pins') ?? '')).toHaveLength(3);
    // The default bound, 256, holds for a longer list edited in by hand too.
    const many = Array.from({ length: 300 }, (_, i) => `h${i}.lan:80#${ids[i % 4]}`);
    file.writeRow('index_pins', JSON.stringify(many));
    const read = new IndexPins({ state: file.reopen() });
    expect(Array.from({ length: 300 }, (_, i) => read.expected(`h${i}.lan:80`)).filter(Boolean)).toHaveLength(256);
    read.learned('new.lan:80', ids[0] as string);
    expect(JSON.parse(file.row('index_pins') ?? '')).toHaveLength(256);
  });

  it('reads "host:port#NODEID" with the full id only: a typo or a short id is refused', () => {
    const full = id();
    expect(indexAddressSchema.parse(` Index.LAN:08080#${full.toLowerCase()} `)).toBe(`index.lan:8080#${full}`);
    expect(indexAddressSchema.parse('index.lan:8080')).toBe('index.lan:8080');
    const typo = `${full.slice(0, 10)}${full[10] === 'A' ? 'B' : 'A'}${full.slice(11)}`;
    expect(indexAddressSchema.safeParse(`index.lan:8080#${typo}`).error?.issues[0]?.message).toMatch(/is not a node id .*a typo\?/);
    expect(indexAddressSchema.safeParse(`index.lan:8080#${full.slice(0, 7)}`).error?.issues[0]?.message).toMatch(/short node id: give the index server.s full id/);
    expect(indexAddressSchema.safeParse(`index.lan#${full}`).success).toBe(false);
  });

  it('finds an id given in any spelling under the one the dialer pins by (the URL\'s)', () => {
    const [a, b, c] = [id(), id(), id()];
    const given = new Map([['127.1:8080', a], ['[0:0::1]:80', b], ['Bücher.de:08080', c]].map(([k, v]) => [canonicalHostPort(k as string), v as string]));
    const pins = new IndexPins({ given: () => given });
    expect(pins.expected('127.0.0.1:8080')).toBe(a);
    expect(pins.expected('[::1]:80')).toBe(b);
    expect(pins.expected('xn--bcher-kva.de:8080')).toBe(c);
  });

  it('writes each change over the pins stored now, so commands sharing a state folder keep each other\'s', async () => {
    file = await openNodeStateFile();
    const [a, b] = [id(), id()];
    // Each with its own view of the pins, as two commands have; one file under both.
    const first = new IndexPins({ state: file.state });
    const second = new IndexPins({ state: file.state }); // read before the first learned anything
    first.learned('a.lan:1', a);
    second.learned('b.lan:1', b);
    expect(JSON.parse(file.row('index_pins') ?? '')).toEqual([`a.lan:1#${a}`, `b.lan:1#${b}`]);
    // One forgets a pin; the other, still holding it, learns another: the forgotten one stays gone.
    const third = new IndexPins({ state: file.state });
    third.forget('a.lan:1');
    second.learned('c.lan:1', a);
    expect(JSON.parse(file.row('index_pins') ?? '')).toEqual([`b.lan:1#${b}`, `c.lan:1#${a}`]);
  });
});
