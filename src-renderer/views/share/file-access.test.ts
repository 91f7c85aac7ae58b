// Share works out who may see a file from its paths and the roots, as the node does.
import { describe, expect, it } from 'vitest';
import type { SharedRoot } from '../../../src-shared/api/access.js';
import { fileAccess, rootOfPath } from './file-access.js';

const root = (path: string, devices: string[] | null, kind: 'file' | 'folder' = 'folder'): SharedRoot => ({
  path, kind, sharedFolder: false, access: devices ? 'devices' : 'everyone', devices: devices ?? [], fileCount: 1,
});
const shared = root('/home/ana/Shared', null);
const box = root('/home/ana/box', null);
const inner = root('/home/ana/box/inner.txt', ['A', 'B'], 'file');
const photos = root('/home/ana/photos', ['B', 'C']);
const roots = [shared, box, inner, photos];

describe('who may see a shared file', () => {
  it('takes the deepest root holding a path, and never a sibling with the same start', () => {
    expect(rootOfPath('/home/ana/box/inner.txt', roots)).toBe(inner);
    expect(rootOfPath('/home/ana/box/other.txt', roots)).toBe(box);
    expect(rootOfPath('/home/ana/boxes/x.txt', roots)).toBeUndefined();
    expect(rootOfPath('C:\\Users\\ana\\Shared\\a.txt', [root('C:\\Users\\ana\\Shared', null)])?.path).toBe('C:\\Users\\ana\\Shared');
  });

  it('is everyone when one path is in a root shared with everyone', () => {
    expect(fileAccess(['/home/ana/photos/a.jpg', '/home/ana/Shared/a.jpg'], roots)).toMatchObject({ restricted: false, devices: 0 });
  });

  it('is the devices of its restricted roots together, counted once', () => {
    expect(fileAccess(['/home/ana/box/inner.txt', '/home/ana/photos/inner.txt'], roots)).toEqual({ roots: [inner, photos], restricted: true, devices: 3 });
    expect(fileAccess(['/home/ana/box/inner.txt'], roots)).toMatchObject({ restricted: true, devices: 2 });
  });

  it('is unknown without paths or roots', () => {
    expect(fileAccess(undefined, roots)).toBeUndefined();
    expect(fileAccess(['/home/ana/a.txt'], null)).toBeUndefined();
    expect(fileAccess(['/elsewhere/a.txt'], roots)).toBeUndefined();
  });
});
