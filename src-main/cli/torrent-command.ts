// `shoal torrent FILE_ID`: saves the file's BitTorrent v2 .torrent (from an index server: every
// online source a web seed; or from one peer), for qBittorrent or any libtorrent 2.x client.
// The torrent is checked to be of that file id before it is written. Asked over TLS with the
// terminal's own key when encryption is on (each address pinned to the id it proves first), so an
// index or peer that refuses plain HTTP to strangers still answers.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NodeDialer } from '../core/net/node-dialer.js';
import { readCapped } from '../core/net/read-capped.js';
import { checkTorrent } from '../core/torrent/torrent-check.js';
import { PieceLayerMismatchError, torrentFileName } from '../core/torrent/torrent-file.js';

export interface TorrentOptions {
  fileId: string;
  /** host:port addresses asked in turn (index servers, or the one peer given). */
  addresses: readonly string[];
  /** Where to write it: a path, `-` for stdout, or undefined for `<name>.torrent` in `cwd`. */
  output: string | undefined;
  cwd: string;
  /** The terminal's identity for TLS (terminal-commands.ts); none: plain HTTP. */
  dialer?: NodeDialer | undefined;
}

export interface TorrentOutput {
  stdout: { write(data: string | Uint8Array): unknown };
  stderr: { write(text: string): unknown };
}

const TIMEOUT_MS = 15_000;
/** A piece layer is 32 bytes a piece and a file has at most a few thousand: far below this. */
const MAX_TORRENT_BYTES = 16 * 1024 * 1024;

/** Returns the exit code: 0 once a checked torrent is written, 1 when no address gave one. */
export async function runTorrent(o: TorrentOptions, out: TorrentOutput): Promise<number> {
  if (o.addresses.length === 0) {
    out.stderr.write('shoal: no index server known. Give one with --index HOST:PORT (or a peer with --peer HOST:PORT).\n');
    return 1;
  }
  const reasons: string[] = [];
  const dialer = o.dialer ?? new NodeDialer(null);
  for (const address of o.addresses) {
    const answer = await fetchTorrent(dialer, address, o.fileId);
    if (!answer.ok) {
      reasons.push(`${address}: ${answer.reason}`);
      continue;
    }
    const { bytes, name, seeds } = answer;
    if (o.output === '-') {
      out.stdout.write(bytes);
      return 0;
    }
    const path = resolve(o.cwd, o.output ?? torrentFileName(name, o.fileId));
    await writeFile(path, bytes);
    out.stdout.write(`${path}\n`);
    out.stderr.write(`Saved the torrent of ${name} with ${seeds} web seed${seeds === 1 ? '' : 's'}; open it in qBittorrent or any libtorrent 2.x client.\n`);
    return 0;
  }
  out.stderr.write(`shoal: no torrent: ${reasons.join('; ')}\n`);
  return 1;
}

type Answer = { ok: true; bytes: Buffer; name: string; seeds: number } | { ok: false; reason: string };

async function fetchTorrent(dialer: NodeDialer, address: string, fileId: string): Promise<Answer> {
  try {
    // The dialer follows no redirect; the whole call, answer included, within the timeout.
    const answer = await dialer.call(`http://${address}/api/v1/files/${fileId}/torrent`, { signal: AbortSignal.timeout(TIMEOUT_MS) }, 'pinned');
    const bytes = await readCapped(answer.body, MAX_TORRENT_BYTES);
    if (!bytes) return { ok: false, reason: 'the answer is too large' };
    if (answer.status < 200 || answer.status > 299) return { ok: false, reason: errorMessage(bytes) ?? `answered ${answer.status}` };
    const torrent = checkTorrent(bytes, fileId);
    return { ok: true, bytes, name: torrent.name, seeds: torrent.webSeeds.length };
  } catch (error) {
    if (error instanceof PieceLayerMismatchError) return { ok: false, reason: error.message };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, reason: (error as Error).name === 'TimeoutError' ? 'timed out' : cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/** The catalogue error's message of a JSON error answer, if it is one. */
function errorMessage(bytes: Buffer): string | undefined {
  try {
    const message = (JSON.parse(bytes.toString('utf8')) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
