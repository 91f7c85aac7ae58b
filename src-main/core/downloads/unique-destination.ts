// Finds the final name of a finished download without ever overwriting a user's file:
// "name.ext", then "name (1).ext", "name (2).ext"… The name is reserved by creating it
// exclusively (O_EXCL), so two downloads finishing at once cannot pick the same one; the
// caller then renames the verified partial file over its own empty reservation.
import { open } from 'node:fs/promises';
import { extname, join } from 'node:path';

export async function reserveUniquePath(directory: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  for (let n = 0; n < 10_000; n++) {
    const candidate = join(directory, n === 0 ? name : `${stem} (${n})${ext}`);
    try {
      const handle = await open(candidate, 'wx');
      await handle.close();
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`no free name for ${name} in ${directory}`);
}
