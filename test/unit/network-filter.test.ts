// The network filter's matching (net.BlockList) and the config keys that feed it.
import { describe, expect, it } from 'vitest';
import { createConfigSchema } from '../../src-main/core/config/config-schema.js';
import { NetworkFilter, parseNetwork } from '../../src-main/core/access/network-filter.js';
import { openNodeStateFile } from '../support/node-state-file.js';

const filter = (allowedNetworks: string[], blockedNetworks: string[]) => new NetworkFilter({ defaults: { allowedNetworks, blockedNetworks, allowPlainHttp: true } });

describe('the network filter', () => {
  it('blocks IPv4 and IPv6 networks, IPv4-mapped addresses included', () => {
    const f = filter([], ['10.0.0.0/8', 'fd00::/8', '192.168.1.7']);
    expect(['10.1.2.3', '::ffff:10.1.2.3', 'fd12::1', '192.168.1.7'].map((a) => f.allows(a))).toEqual([false, false, false, false]);
    expect(['11.0.0.1', '192.168.1.8', '2001:db8::1', '::1'].map((a) => f.allows(a))).toEqual([true, true, true, true]);
  });

  it('with an allow list, admits only its networks, and a block inside it still blocks', () => {
    const f = filter(['192.168.0.0/16', '::1/128'], ['192.168.66.0/24']);
    expect(['192.168.1.2', '::1', '192.168.66.1', '8.8.8.8', '::2'].map((a) => f.allows(a))).toEqual([true, true, false, false, false]);
  });

  it('with no list in force, every address may, and a URL must still be one', () => {
    const f = filter([], []);
    expect(['10.1.2.3', '::ffff:10.1.2.3', 'fd12::1', 'peer.example'].map((a) => f.allows(a))).toEqual([true, true, true, true]);
    expect(f.allowsUrl('not a url')).toBe(false);
    f.set({ blockedNetworks: ['10.0.0.0/8'] }); // a list set live is in force at once
    expect(f.allows('10.1.2.3')).toBe(false);
  });

  it('checks a source by the host of its URL', () => {
    const f = filter([], ['127.0.0.2/32', 'fd00::/8']);
    expect(f.allowsUrl('http://127.0.0.2:9001/api/v1/download/x')).toBe(false);
    expect(f.allowsUrl('http://[fd00::5]:9001/api/v1/download/x')).toBe(false);
    expect(f.allowsUrl('http://127.0.0.1:9001/api/v1/download/x')).toBe(true);
    expect(f.allowsUrl('not a url')).toBe(false);
  });

  it('does not believe a host name while a list is in force (it could resolve into a blocked network)', () => {
    expect(filter([], []).allowsUrl('http://peer.example:9001/api/v1/download/x')).toBe(true);
    expect(filter([], ['10.0.0.0/8']).allowsUrl('http://peer.example:9001/api/v1/download/x')).toBe(false);
    expect(filter(['192.168.0.0/16'], []).allows('peer.example')).toBe(false);
  });

  it('keeps only what the user changed: the config still decides the rest', async () => {
    const file = await openNodeStateFile();
    try {
      new NetworkFilter({ defaults: { allowedNetworks: [], blockedNetworks: [], allowPlainHttp: true }, state: file.state }).set({ allowPlainHttp: false });
      const later = new NetworkFilter({ defaults: { allowedNetworks: [], blockedNetworks: ['10.0.0.0/8'], allowPlainHttp: true }, state: file.reopen() });
      expect(later.get()).toEqual({ allowedNetworks: [], blockedNetworks: ['10.0.0.0/8'], allowPlainHttp: false });
    } finally {
      await file.close();
    }
  });

  it('changes live; a list that does not parse changes nothing', () => {
    const f = filter([], []);
    f.set({ blockedNetworks: ['10.0.0.0/8'] });
    expect(f.allows('10.0.0.1')).toBe(false);
    expect(() => f.set({ blockedNetworks: ['10.0.0.0/33'] })).toThrow(/not a network/);
    expect(f.get()).toEqual({ allowedNetworks: [], blockedNetworks: ['10.0.0.0/8'], allowPlainHttp: true });
  });

  it('parses networks and single addresses, nothing else', () => {
    expect(parseNetwork('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, type: 'ipv4' });
    expect(parseNetwork('::1')).toEqual({ address: '::1', prefix: 128, type: 'ipv6' });
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0.0/8/8', '10.0.0.0/', '']) expect(parseNetwork(bad), bad).toBeUndefined();
  });
});

describe('security.allowed_networks / blocked_networks', () => {
  const parse = (security: Record<string, unknown>) =>
    createConfigSchema({ dataDirectory: '/d', sharedDirectory: '/s', downloadDirectory: '/w', name: 'n' }).safeParse({ security });

  it('take one network or a list, and refuse what is not a network', () => {
    const one = parse({ blocked_networks: '203.0.113.0/24' });
    expect(one.success && one.data.security.blocked_networks).toEqual(['203.0.113.0/24']);
    const list = parse({ allowed_networks: ['192.168.1.0/24', 'fd00::/8'] });
    expect(list.success && list.data.security.allowed_networks).toEqual(['192.168.1.0/24', 'fd00::/8']);
    expect(parse({ blocked_networks: ['lan'] }).success).toBe(false);
    const none = parse({});
    expect(none.success && [none.data.security.allowed_networks, none.data.security.blocked_networks]).toEqual([[], []]);
  });
});
