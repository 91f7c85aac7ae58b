// `npm run build`, last step: the `shoal` command (bin/shoal.js) as one bundled CommonJS script,
// out/cli/shoal.cjs, instead of the ~200 ES modules it would load one by one. Node 20 resolves,
// reads and compiles each module on its own, which took `shoal get` ~120 ms of its start-up (a
// 3-byte download: 0.83 s against 0.71 s bundled; docs/benchmarks.md). One script, not ES modules,
// because V8 can keep a script's compiled code between runs (bin/shoal.js; Node 20 has no compile
// cache for ES modules): another ~45 ms. Each command's code is still evaluated only when it runs
// (esbuild wraps what is imported dynamically), so --help starts no node. Our code and zod are
// bundled (zod alone is 95 modules); every other package stays external, loaded from node_modules.
// Code that finds files next to itself (worker entries, the native leaf hasher, the renderer's
// assets) reads `import.meta.url`: in the bundle it is rewritten to that module's own compiled
// file in out/, so it finds them where it always did. Only the CLI is bundled: the Electron app
// and the tests load out/ as compiled.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}out/cli`;
// pino's own packages too, but not thread-stream: it finds its worker file on disk (pino's
// transports, which the command never starts).
const BUNDLED_PACKAGES = /^(zod|commander|pino|pino-std-serializers|sonic-boom|safe-stable-stringify|quick-format-unescaped|on-exit-leak-free|atomic-sleep|@pinojs\/redact|bencode|uint8-util)(\/|$)/;

const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\/out\/src-(main|shared)\/.*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const own = `new URL(${JSON.stringify(relative(outdir, args.path))}, __shoalBundleUrl).href`;
      // A script has no import.meta. resolve() serves only the tsx branch of worker-entry.ts,
      // which never runs from out/; require.resolve is its nearest CommonJS equivalent.
      return { contents: source.replaceAll('import.meta.url', own).replaceAll('import.meta.resolve(', 'require.resolve('), loader: 'js' };
    });
  },
};

// zod's namespace carries every language of its error messages (358 KB of the 737 KB zod brings,
// all parsed at start-up); Shoal's messages are English, the locale zod sets by default.
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";', resolveDir: dirname(args.path), loader: 'js',
    }));
  },
};

const packagesExternal = {
  name: 'packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED_PACKAGES.test(args.path) ? undefined : { external: true }));
  },
};

// A clean folder: no bundle or compiled-code cache (bin/shoal.js) of an earlier build is left.
await rm(outdir, { recursive: true, force: true });
const { outputFiles } = await esbuild.build({
  entryPoints: { shoal: `${root}out/src-main/cli/main.js` },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  charset: 'ascii', // esbuild's default, kept on purpose: bin/shoal.js reads the script as latin1, the fastest
  plugins: [ownUrls, englishOnlyZod, packagesExternal],
  banner: { js: "const __shoalBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  write: false,
});
// What stays import() is an ES-only package (file-type, bittorrent-dht). Node 20 loses a script's
// import() callback when the script comes from V8's cache (the import fails with "A dynamic import
// callback was not specified"), so bin/shoal.js, an ES module, hands the bundle its own import().
await mkdir(outdir, { recursive: true });
for (const file of outputFiles) await writeFile(file.path, file.text.replaceAll('import("', '__shoalImport("'));
