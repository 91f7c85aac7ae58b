// `npm start`: builds the app, then launches it in Electron. Electron fetches its own runtime on
// first launch; where that cannot happen (an offline machine), Shoal runs as the headless node
// instead and says where to open it, rather than failing.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let electron;
try {
  electron = createRequire(import.meta.url)('electron'); // the runtime's path; fetched now if missing
} catch (err) {
  console.error(`\nShoal: the Electron runtime could not be fetched (${err instanceof Error ? err.message : err}).`);
  console.error('Starting the headless node instead: open the link it prints in your browser.\n');
  const serve = spawnSync(process.execPath, ['bin/shoal.js', 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(serve.status ?? 0);
}

const app = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
