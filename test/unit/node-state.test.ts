// The node state (store/node-state.ts) against a real SQLite file: every declared key reads back
// what was set, in the text format older releases wrote (so their databases read the same), a
// stored value that no longer reads is the default with a warning, and a name nobody declared
// does not compile.
import { canonical } from '../../src-main/core/index/federation/members.js';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeStateKeys, type NodeStateName } from '../../src-main/core/store/node-state-keys.js';
import type { NodeStateInput } from '../../src-main/core/store/node-state.js';
import { openNodeStateFile, type NodeStateFile } from '../support/node-state-file.js';

/** For each key: a value, and the text stored for it (the format every release so far wrote). */
const samples: { [K in NodeStateName]: Array<[NodeStateInput<K>, string]> } = {
  displayName: [['Kitchen laptop', 'Kitchen laptop'], [null, '']],
  transferSettings: [[{ maxDownloadRate: 1_000_000, shareDownloads: false }, '{"maxDownloadRate":1000000,"shareDownloads":false}']],
  networkSettings: [[{ blockedNetworks: ['10.0.0.0/8', 'fd00::/8'], allowPlainHttp: false }, '{"blockedNetworks":["10.0.0.0/8","fd00::/8"],"allowPlainHttp":false}']],
  addedIndexServers: [[['index.lan:8080', '[::1]:9000'], '["index.lan:8080","[::1]:9000"]'], [[], '[]']],
  indexPins: [[['index.lan:8080#BNSSEWO-P2KSWVM-NWHCJJ5-INCWXJQ-RKPVUTV-SIZPHTS-PXA22IB-I6TZYAP'], '["index.lan:8080#BNSSEWO-P2KSWVM-NWHCJJ5-INCWXJQ-RKPVUTV-SIZPHTS-PXA22IB-I6TZYAP"]'], [[], '[]']],
  federationAdded: [[['b.lan:8080'], '["b.lan:8080"]']],
  indexRole: [[true, 'on'], [false, 'off']],
  indexPort: [[8081, '8081']],
  dhtEnabled: [[true, '1'], [false, '0']],
};

/** For each key: a stored text that does not read (damaged, hand-edited, or another release's). */
const unreadable: Record<NodeStateName, string> = {
  displayName: 'bell\u0007',
  transferSettings: '{"maxDownloadRate":',
  networkSettings: '["10.0.0.0/8"]',
  addedIndexServers: '{"index.lan:8080":true}',
  indexPins: '{"index.lan:8080":"BNSSEWO"}',
  federationAdded: 'b.lan:8080',
  indexRole: 'yes',
  indexPort: '70000',
  dhtEnabled: 'true',
};

const names = Object.keys(nodeStateKeys) as NodeStateName[];
let file: NodeStateFile | undefined;
afterEach(() => file?.close());

describe('the node state', () => {
  it('reads each key as its default while nothing is stored, silently', async () => {
    file = await openNodeStateFile();
    for (const name of names) expect(file.state.get(name), name).toEqual(nodeStateKeys[name].fallback);
    expect(file.state.get('indexPort')).toBeNull();
    expect(file.state.get('transferSettings')).toEqual({});
    expect(file.warnings).toEqual([]);
  });

  it('stores each key in the format older releases wrote, and reads it back after a restart', async () => {
    file = await openNodeStateFile();
    for (const name of names) {
      for (const [value, text] of samples[name] as Array<[unknown, string]>) {
        file.state.set(name, value as never);
        expect(file.row(nodeStateKeys[name].key), name).toBe(text);
        expect(file.reopen().get(name), name).toEqual(value);
      }
    }
    expect(file.warnings).toEqual([]);
  });

  it('reads a stored value that no longer parses as the default, with one warning, until it is set again', async () => {
    file = await openNodeStateFile(Object.fromEntries(names.map((name) => [nodeStateKeys[name].key, unreadable[name]])));
    for (const name of names) {
      expect(file.state.get(name), name).toEqual(nodeStateKeys[name].fallback);
      expect(file.state.get(name), name).toEqual(nodeStateKeys[name].fallback);
    }
    expect(file.warnings.map((w) => w.key)).toEqual(names.map((name) => nodeStateKeys[name].key));
    file.state.set('indexRole', true);
    expect(file.state.get('indexRole')).toBe(true);
  });

  it('skips a damaged entry of a list or a field of a set, and keeps the rest', async () => {
    file = await openNodeStateFile({
      added_index_servers: '["a.lan:1", "no port", 7, " b.lan:2 "]',
      federation_added: '["c.lan:3", null]',
      transfer_settings: '{"maxUploads": 0, "maxUploadRate": 500, "fromANewerRelease": true}',
      network_settings: '{"allowedNetworks": ["lan"], "blockedNetworks": ["10.0.0.0/8"]}',
    });
    expect(file.state.get('addedIndexServers')).toEqual(['a.lan:1', 'b.lan:2']);
    expect(file.state.get('federationAdded')).toEqual(['c.lan:3']);
    expect(file.state.get('transferSettings')).toEqual({ maxUploadRate: 500 });
    expect(file.state.get('networkSettings')).toEqual({ blockedNetworks: ['10.0.0.0/8'] });
    expect(file.warnings).toEqual([]);
  });

  it('still reads federation servers an older release stored in another spelling; the federation writes them in one', async () => {
    file = await openNodeStateFile({ federation_added: '["H.lan:08080", "[0:0::1]:9000", "127.1:80"]' });
    expect(file.state.get('federationAdded')).toEqual(['H.lan:08080', '[0:0::1]:9000', '127.1:80']);
    expect(['H.lan:08080', '[0:0::1]:9000', '127.1:80'].map(canonical)).toEqual(['h.lan:8080', '[::1]:9000', '127.0.0.1:80']);
  });

  it('refuses to store a value its schema refuses, and keeps the one stored', async () => {
    file = await openNodeStateFile({ index_port: '8081' });
    expect(() => file!.state.set('indexPort', 0)).toThrow();
    expect(() => file!.state.set('displayName', '')).toThrow();
    expect(() => file!.state.set('addedIndexServers', Array.from({ length: 21 }, (_, i) => `s${i}.lan:80`))).toThrow();
    expect(file.row('index_port')).toBe('8081');
    expect(file.row('display_name')).toBeUndefined();
    expect(file.row('added_index_servers')).toBeUndefined();
  });

  it('knows only the declared keys: another name is a type error', async () => {
    file = await openNodeStateFile({ node_id: 'x' });
    // @ts-expect-error a key node-state-keys.ts does not declare does not compile
    expect(() => file!.state.get('node_id')).toThrow(/not declared/);
    // @ts-expect-error a value of the wrong type does not compile either
    expect(() => file!.state.set('indexRole', 'on')).toThrow();
    expect(file.row('index_role')).toBeUndefined();
  });
});
