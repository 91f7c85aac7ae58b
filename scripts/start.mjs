// `npm start`: the desktop app arrives with the Electron issue; until then this runs the headless
// node with the same defaults and tells the user where to open it.
import { spawnSync } from 'node:child_process';

console.log('Shoal desktop app: coming soon. Starting the headless node instead.\n');
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const serve = spawnSync(process.execPath, ['bin/shoal.js', 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(serve.status ?? 0);
