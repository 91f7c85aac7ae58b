// `shoal hash FILE…`: prints each file's Shoal id, the way sha256sum prints digests, so a person
// can check a file by hand against a link or a search result. `--sha256` adds the whole-content
// SHA-256 (a second pass over the bytes), for comparing with sha256sum or a Metalink.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hashFile } from '../core/hashing/file-hasher.js';

export interface HashFlags { sha256?: boolean }

interface Output { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } }

/** Exit code: 0 when every file was hashed, 1 when one could not be read (like sha256sum). */
export async function runHash(paths: readonly string[], flags: HashFlags, out: Output): Promise<number> {
  let code = 0;
  for (const path of paths) {
    try {
      const { id } = await hashFile(path);
      const sha256 = flags.sha256 ? `  ${await wholeSha256(path)}` : '';
      out.stdout.write(`${id}${sha256}  ${path}\n`);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      out.stderr.write(`shoal: ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'NOT_A_FILE' ? 'not a regular file' : e.message}\n`);
      code = 1;
    }
  }
  return code;
}

async function wholeSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
