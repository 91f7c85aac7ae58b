// Where an uploaded file lands: never over a user's file, so the first free name ("name.ext",
// "name (1).ext", …), except that a name holding the very bytes the user once unshared is taken
// back. Dropping an unshared file again shares it under its own name instead of making a copy
// called "name (1).ext" (issue 16, item 15).
import { lstat, open, link } from 'node:fs/promises';
import { claimFreeName } from '../files/unique-destination.js';

/** The library, as far as uploads need it. */
export interface UnsharedPaths {
  isUnshared(path: string): Promise<boolean>;
  share(path: string): Promise<unknown>;
}

const CHUNK = 256 * 1024;

/** Links the received file `temp` into `folder` and returns where it landed. */
export async function placeUpload(temp: string, folder: string, name: string, unshared: UnsharedPaths | undefined): Promise<string> {
  const path = await claimFreeName(folder, name, async (candidate) => {
    try {
      await link(temp, candidate);
    } catch (err) {
      const taken = (err as NodeJS.ErrnoException).code === 'EEXIST';
      if (taken && unshared && (await unshared.isUnshared(candidate)) && (await sameBytes(temp, candidate))) return;
      throw err;
    }
  });
  // An upload is the user sharing: a path they once unshared is shared again (the same bytes back,
  // or a new file where a deleted one was), else the watcher would leave it out for good.
  if (unshared && (await unshared.isUnshared(path))) await unshared.share(path);
  return path;
}

/** Whether two regular files (never a link) hold the same bytes. */
async function sameBytes(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([lstat(a), lstat(b)]);
  if (!sa.isFile() || !sb.isFile() || sa.size !== sb.size) return false;
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const [ba, bb] = [Buffer.alloc(CHUNK), Buffer.alloc(CHUNK)];
    for (let at = 0; at < sa.size; at += CHUNK) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, CHUNK, at), fb.read(bb, 0, CHUNK, at)]);
      if (ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
      if (ra.bytesRead === 0) break;
    }
    return true;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}
