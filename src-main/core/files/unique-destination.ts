// A new file's final name, never overwriting a user's file: "name.ext", then "name (1).ext",
// "name (2).ext"… Each candidate is claimed with an operation that fails with EEXIST instead of
// replacing (O_EXCL, link), so two writers finishing at once cannot pick the same one.
import { open } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** The first candidate `claim` succeeds on; `claim` must throw EEXIST when the name is taken. */
export async function claimFreeName(directory: string, name: string, claim: (path: string) => Promise<void>): Promise<string> {
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  for (let n = 0; n < 10_000; n++) {
    const candidate = join(directory, n === 0 ? name : `${stem} (${n})${ext}`);
    try {
      await claim(candidate);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`no free name for ${name} in ${directory}`);
}

/** Reserves the name with an empty file; the caller renames its verified file over it. */
export function reserveUniquePath(directory: string, name: string): Promise<string> {
  return claimFreeName(directory, name, async (path) => {
    await (await open(path, 'wx')).close();
  });
}
