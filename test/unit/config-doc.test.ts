// docs/configuration.md is generated from the config schema (config-doc.ts): it must be current,
// and every key must say what it does.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigDoc, undescribedKeys } from '../../src-main/core/config/config-doc.js';

const committed = resolve(import.meta.dirname, '../../docs/configuration.md');

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` writes from the schema today', () => {
    const current = readFileSync(committed, 'utf8');
    expect(current === renderConfigDoc(), 'docs/configuration.md is out of date: run `npm run docs:config` and commit it').toBe(true);
  });

  it('lists every key with its variable, and the flags that set keys', () => {
    const doc = renderConfigDoc();
    for (const text of ['`peer.lan_discovery`', '`SHOAL_PEER_LAN_DISCOVERY`', '`--no-share`', '`--index-server`', '`SHOAL_TRANSFERS_STALL_TIMEOUT`', '| `10s` |']) expect(doc).toContain(text);
  });

  it('has a description for every key in the schema', () => {
    expect(undescribedKeys()).toEqual([]);
  });
});
