// Telling same-named peers apart (src-main/core/index/display-names.ts): the first registered keeps
// the name, the others get their short id; case and surrounding spaces do not make a name new.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IndexEventMap } from '../../src-shared/api/index-events.js';
import { EventBus } from '../../src-main/core/events/event-bus.js';
import { DisplayNames, nameKey, suffixedNames } from '../../src-main/core/index/display-names.js';
import { IndexStore } from '../../src-main/core/index/index-store.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { makeTempDir } from '../support/temp-dir.js';

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

describe('DisplayNames', () => {
  it('reads the names again at most once a second after registrations, and tells a newcomer apart meanwhile', async () => {
    const dir = await makeTempDir();
    const db = openDatabase(join(dir.path, 'shoal.db'));
    try {
      const store = new IndexStore(db);
      const bus = new EventBus<IndexEventMap>();
      let now = 1_000_000;
      const names = new DisplayNames({ db, bus, now: () => now });
      const register = (peerId: string, name: string) => {
        store.registerPeer({ peerId, name, address: '10.0.0.1', port: 9001, sessionHash: 'h', now, files: [] });
        bus.publish('peer_registered', store.getPeer(peerId)!);
      };
      const shown = () => Object.fromEntries(names.peers(store.listPeers({ offset: 0, limit: 10 })).items.map((p) => [p.peerId, p.name]));
      register(id('A'), 'vm');
      expect(shown()).toEqual({ [id('A')]: 'vm' });
      register(id('B'), 'vm');
      register(id('C'), 'box');
      // Within the second: the names read before; the newcomers told apart against them.
      expect(shown()).toEqual({ [id('A')]: 'vm', [id('B')]: 'vm (BBBBBBB)', [id('C')]: 'box' });
      // Renamed within the second: told apart in each answer as a newcomer is (the first listed keeps the name).
      register(id('A'), 'box');
      expect(shown()).toEqual({ [id('A')]: 'box', [id('B')]: 'vm (BBBBBBB)', [id('C')]: 'box (CCCCCCC)' });
      now += 1_000;
      // Read again: A, registered first, keeps "box"; B is the first "vm" now.
      expect(shown()).toEqual({ [id('A')]: 'box', [id('B')]: 'vm', [id('C')]: 'box (CCCCCCC)' });
      names.close();
    } finally {
      db.close();
      await dir.remove();
    }
  });

  it('a federation member\u2019s peer copied here before this server\u2019s own registered is the one told apart', async () => {
    const dir = await makeTempDir();
    const db = openDatabase(join(dir.path, 'shoal.db'));
    try {
      const store = new IndexStore(db);
      const names = new DisplayNames({ db });
      const copied = { peerId: id('D'), name: 'vm', address: '10.0.0.2', port: 9002, status: 'online' as const, registeredAt: 1, files: [] };
      store.applyReplica('member', 1, { peers: [copied], removed: [] }, { maxReplicas: 10, maxFiles: 10, maxMemberFiles: 10 }, 1);
      store.registerPeer({ peerId: id('E'), name: 'vm', address: '10.0.0.1', port: 9001, sessionHash: 'h', now: 2, files: [] });
      const result = names.result({
        id: 'f', name: 'f', names: ['f'], size: 1, mime: 'text/plain', category: 'document', tags: [], pieceSize: 1, sourceCount: 2, firstSeen: new Date(0).toISOString(),
        sources: [id('D'), id('E')].map((peerId) => ({ peerId, name: 'vm', url: 'http://x', reputation: 50, activeUploads: 0, freeUploadSlots: 0 })),
      });
      expect(result.sources.map((s) => s.name)).toEqual(['vm (DDDDDDD)', 'vm']);
      names.close();
    } finally {
      db.close();
      await dir.remove();
    }
  });
});
