// libtorrent 2.0 (Debian's python3-libtorrent) for tests: an independent BitTorrent v2
// implementation, driven through libtorrent-client.py with /usr/bin/python3.
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./libtorrent-client.py', import.meta.url));

function libtorrentInstalled(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const hasLibtorrent = libtorrentInstalled();
/** .ci/run installs python3-libtorrent (it runs as root); only elsewhere may a test skip it. */
export const skipLibtorrent = !hasLibtorrent && process.getuid?.() !== 0;
export const LIBTORRENT_MISSING = 'libtorrent is missing: run .ci/run (it installs python3-libtorrent) or apt-get install python3-libtorrent';

export interface CreatedTorrent { root: string | null; layer: string | null; infoHash?: string; error: string | null }

/** libtorrent's own v2-only torrent of a file: its pieces root, piece layer and v2 info-hash. */
export async function libtorrentCreate(path: string, pieceSize: number): Promise<CreatedTorrent> {
  const { stdout } = await run(PYTHON, [SCRIPT, 'create', path, String(pieceSize)], { timeout: 30_000 });
  return JSON.parse(stdout) as CreatedTorrent;
}

export interface DownloadReport {
  root: string;
  finished: boolean;
  seeding: boolean;
  numPieces: number;
  havePieces: number;
  hashFailures: number;
  errors: string[];
  seconds: number;
}

/** Loads a .torrent and downloads it from its web seeds into `saveDir`, for at most `timeoutS` seconds. */
export async function libtorrentDownload(torrentPath: string, saveDir: string, timeoutS = 60): Promise<DownloadReport> {
  const { stdout } = await run(PYTHON, [SCRIPT, 'download', torrentPath, saveDir, String(timeoutS)], { timeout: (timeoutS + 15) * 1000 });
  return JSON.parse(stdout) as DownloadReport;
}
