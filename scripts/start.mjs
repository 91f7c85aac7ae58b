// `npm start`: builds the app (unless out/ is already built from these sources), then launches it
// in Electron. Electron fetches its own runtime on first launch; where that cannot happen (an
// offline machine), Shoal says so in one sentence and runs as the headless node instead.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildFingerprint, buildIsCurrent, markBuilt } from './build-freshness.mjs';
import { electronRuntime } from './electron-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

if (!buildIsCurrent(root)) {
  const fingerprint = buildFingerprint(root);
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
  markBuilt(root, fingerprint);
}

const runtime = electronRuntime();
if (!runtime.path) {
  console.error(`Shoal: the desktop window needs the Electron runtime, which could not be fetched (${runtime.reason}); starting the headless node instead: open the link it prints in your browser.\n`);
  const serve = spawn(process.execPath, ['bin/shoal.js', 'serve', ...args], { stdio: 'inherit', cwd: root });
  // Ctrl-C reaches the node too (same process group): passing it on would be a second Ctrl-C,
  // which means "quit at once". A SIGTERM is sent to this process alone: pass it on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => serve.kill('SIGTERM'));
  serve.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const app = spawn(runtime.path, ['.', ...args], { stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
  app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
