// The list of index servers added by hand: one spelling per server, a damaged saved value never
// stops a start, and every refusal leaves the list (and the database) as it was.
import { afterEach, describe, expect, it } from 'vitest';
import { AddedIndexServers, canonicalAddress } from '../../src-main/core/index-client/added-index-servers.js';
import type { IndexServerRef } from '../../src-main/core/index-client/server-choice.js';
import { openNodeStateFile, type NodeStateFile } from '../support/node-state-file.js';

const files: NodeStateFile[] = [];
afterEach(async () => {
  await Promise.all(files.splice(0).map((f) => f.close()));
});

async function make(saved?: string, others: IndexServerRef[] = []) {
  const meta = await openNodeStateFile(saved === undefined ? {} : { added_index_servers: saved });
  files.push(meta);
  let changes = 0;
  const servers: AddedIndexServers = new AddedIndexServers({
    state: meta.state,
    known: () => [...others, ...servers.list().map((address) => ({ address, source: 'added' as const }))],
    onChange: () => changes++,
    max: 3,
  });
  return { servers, meta, changes: () => changes };
}

describe('index servers added by hand', () => {
  it('spells one server one way', () => {
    expect(canonicalAddress(' Index.LAN:08080 ')).toBe('index.lan:8080');
    expect(canonicalAddress('[::1]:9000')).toBe('[::1]:9000');
  });

  it('reads back what it saved, skipping damaged or duplicate entries', async () => {
    expect((await make('not json')).servers.list()).toEqual([]);
    expect((await make('{"a":1}')).servers.list()).toEqual([]);
    expect((await make('["a:1", "bad", 7, "A:01", "b:2", "c:3", "d:4"]')).servers.list()).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('adds, refuses duplicates, configured ones and more than the maximum, and removes', async () => {
    const { servers, meta, changes } = await make(undefined, [{ address: 'conf:1', source: 'configured' }, { address: 'lan:1', source: 'discovered' }]);
    servers.add('x:1');
    expect(() => servers.add('X:1')).toThrow(expect.objectContaining({ code: 'INDEX_SERVER_EXISTS' }));
    expect(() => servers.add('conf:1')).toThrow(expect.objectContaining({ code: 'INDEX_SERVER_EXISTS' }));
    servers.add('lan:1'); // pinning one found on the LAN is allowed
    servers.add('y:1');
    expect(() => servers.add('z:1')).toThrow(expect.objectContaining({ code: 'INDEX_SERVERS_FULL' }));
    expect(() => servers.remove('conf:1')).toThrow(expect.objectContaining({ code: 'INDEX_SERVER_NOT_REMOVABLE' }));
    expect(() => servers.remove('nowhere:1')).toThrow(expect.objectContaining({ code: 'INDEX_SERVER_NOT_FOUND' }));
    expect(JSON.parse(meta.row('added_index_servers') ?? '')).toEqual(['x:1', 'lan:1', 'y:1']);
    servers.remove('X:0001');
    expect(servers.list()).toEqual(['lan:1', 'y:1']);
    expect(changes()).toBe(4);
  });
});
