// npm install's last step: builds the native leaf hasher (native/leaf-hash) with the node-gyp that
// npm carries. It is optional: where it can't be built (no compiler, no headers), Shoal hashes with
// node:crypto instead (src-main/core/hashing/leaf-hasher.ts), so a failure here is a notice, not an
// error that would stop the install. To build it again by hand: `npm run install` (npm passes its
// node-gyp and its settings, such as nodedir, to the script; run directly, node-gyp has neither).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native/leaf-hash/', import.meta.url));
const nodeGyp = process.env.npm_config_node_gyp;
// The headers of the Node that runs this, where it was installed with them (Debian's nodejs, the
// official tarballs): node-gyp then needs no download, whatever HOME and npm's settings say (npx
// runs this script with neither).
const installRoot = dirname(dirname(process.execPath));
const nodedir = existsSync(join(installRoot, 'include', 'node', 'node_api.h')) ? ['--nodedir', installRoot] : [];
// configure + build, never rebuild: rebuild deletes the build first, so a failed attempt (offline,
// no compiler) would take a working leaf hasher with it. make rebuilds what changed.
const args = ['configure', 'build', ...nodedir];
const command = nodeGyp ? [process.execPath, [nodeGyp, ...args]] : ['node-gyp', args];
const result = spawnSync(command[0], command[1], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', shell: process.platform === 'win32' && !nodeGyp });
if (result.status === 0) {
  console.log('shoal: built the native leaf hasher (native/leaf-hash)');
} else {
  const why = (result.error?.message ?? result.stderr ?? '').trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join('\n');
  console.warn(`shoal: the native leaf hasher could not be built; hashing uses node:crypto instead (slower).${why ? `\n${why}` : ''}`);
}
