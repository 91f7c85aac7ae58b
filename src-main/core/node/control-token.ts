// The per-install secret that proves a request comes from the local user. Created at first start,
// stored in the data folder readable by the user only (0600).
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const TOKEN_FILE = 'control-token';

export async function loadOrCreateControlToken(dataDirectory: string): Promise<string> {
  const file = join(dataDirectory, TOKEN_FILE);
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(token)) {
      await chmod(file, 0o600); // tighten a token someone loosened
      return token;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(32).toString('hex');
  // 'wx' never overwrites: if another process raced us, its token wins and we read it back.
  try {
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw err;
  }
}
