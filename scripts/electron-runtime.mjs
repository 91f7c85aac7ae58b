// Finds the Electron runtime, fetching it on first launch the way the electron package does, but
// with its output captured: offline, `npm start` says one sentence instead of a `fetch failed`
// stack, and the caller falls back to the headless node.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const FETCH_TIMEOUT_MS = 10 * 60_000;

/** `{ path }` of the runtime, or `{ reason }`: a few words on why it is not there. */
export function electronRuntime() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !installed(dir)) {
    console.error('Shoal: fetching the Electron runtime (first launch only)\u2026');
    const fetched = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: FETCH_TIMEOUT_MS });
    if (fetched.status !== 0 || !installed(dir)) return { reason: cause(`${fetched.stderr ?? ''}\n${fetched.stdout ?? ''}`, fetched.error) };
  }
  try {
    return { path: require('electron') };
  } catch (err) {
    return { reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

function installed(dir) {
  try {
    return existsSync(join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8')));
  } catch {
    return false;
  }
}

/** The one useful word of a download failure's output: the network error code, if there is one. */
function cause(output, error) {
  if (error?.code === 'ETIMEDOUT') return 'the download timed out';
  const code = /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|CERT_[A-Z_]+)\b/.exec(output)?.[1];
  if (code) return `no network: ${code}`;
  if (/fetch failed/i.test(output)) return 'no network';
  const status = /\b(?:status|HTTPError:?)\s*(?:code\s*)?(\d{3})\b/i.exec(output)?.[1];
  return status ? `the download server answered ${status}` : 'the download failed';
}
