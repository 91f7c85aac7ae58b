// The devices this node has seen: a real SQLite file in a temp folder.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Devices } from '../../src-main/core/access/devices.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { makeTempDir } from '../support/temp-dir.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup() {
  const dir = await makeTempDir();
  const db = openDatabase(join(dir.path, 'shoal.db'));
  cleanups.push(() => dir.remove(), () => void (db.open && db.close()));
  let now = 1_000_000;
  const devices = new Devices(db, 'SELF', () => now);
  return { db, devices, tick: (ms: number) => (now += ms) };
}

describe('Devices', () => {
  it('adds up what a device moved, keeps its latest name and address, and never lists this node', async () => {
    const { devices, tick } = await setup();
    devices.seen('A', { name: 'laptop', address: '10.0.0.2', bytesSent: 100 });
    tick(10);
    devices.seen('A', { bytesSent: 50, bytesReceived: 7 });
    devices.seen('SELF', { name: 'me', bytesSent: 1 });
    const [a, ...rest] = devices.list();
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ id: 'A', name: 'laptop', lastAddress: '10.0.0.2', bytesSent: 150, bytesReceived: 7, state: 'none' });
  });

  it('remembers a block across a restart, even of a device never seen', async () => {
    const { db, devices } = await setup();
    devices.setState('B', 'blocked');
    expect(devices.isBlocked('B')).toBe(true);
    const again = new Devices(db, 'SELF');
    expect(again.isBlocked('B')).toBe(true);
    again.setState('B', 'none');
    expect(again.isBlocked('B')).toBe(false);
  });

  it('writes what was counted on close, and ignores a sighting after it (the database may be closed by then)', async () => {
    const { db, devices } = await setup();
    devices.seen('C', { bytesSent: 5 });
    devices.close();
    db.close();
    // An upload's socket closing late counts its last bytes: nothing may be written, nor thrown later.
    expect(() => devices.seen('C', { bytesSent: 5 })).not.toThrow();
    expect(() => devices.flush()).not.toThrow();
    const reopened = openDatabase(db.name);
    cleanups.push(() => void reopened.close());
    expect(new Devices(reopened, 'SELF').get('C')).toMatchObject({ bytesSent: 5 });
  });

  it('keeps the counts in memory while the disk is full, and writes them once there is room', async () => {
    const { db, devices } = await setup();
    devices.seen('D', { bytesSent: 1 });
    devices.flush();
    // SQLite's own limit on the file's pages: every write that needs a new page fails with SQLITE_FULL.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    for (let i = 0; i < 200; i++) devices.seen(`E${i}`.padEnd(56, 'x'), { name: 'n'.repeat(100), bytesSent: 2 });
    expect(() => devices.flush()).not.toThrow();
    expect(devices.get('E0'.padEnd(56, 'x'))).toBeUndefined();
    db.pragma('max_page_count = 1073741823');
    devices.flush();
    expect(devices.list()).toHaveLength(201);
    expect(devices.get('E0'.padEnd(56, 'x'))).toMatchObject({ bytesSent: 2 });
  });

  it('closed on a full disk, leaves no retry behind to find the database closed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    cleanups.push(() => void vi.useRealTimers());
    const { db, devices } = await setup();
    devices.seen('F', { bytesSent: 1 });
    devices.flush();
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let i = 0; i < 200; i++) devices.seen(`G${i}`.padEnd(56, 'x'), { name: 'n'.repeat(100), bytesSent: 2 });
    devices.close(); // the disk refuses the last flush
    db.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
