// `npm run build`, last step: the `shoal` command (bin/shoal.js) as a few bundled files in out/cli/
// instead of the ~200 ES modules it would load one by one. Node 20 resolves, reads and compiles
// each module on its own, which took `shoal get` ~120 ms of its start-up (a 3-byte download: 0.83 s
// against 0.71 s bundled; docs/benchmarks.md). Our code and zod are bundled (zod alone is 95
// modules); every other package stays external, loaded from node_modules as before.
// Code that finds files next to itself (worker entries, the native leaf hasher, the renderer's
// assets) reads `import.meta.url`: in each bundled module it is rewritten to that module's own
// compiled file in out/, so it finds them where it always did. Only the CLI is bundled: the
// Electron app and the tests load out/ as compiled.
import { readFile, rm } from 'node:fs/promises';
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
      const own = `new URL(${JSON.stringify(relative(outdir, args.path))}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', own), loader: 'js' };
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

// Chunk names carry a content hash: without this, each build's chunks would pile up beside the last.
await rm(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: { main: `${root}out/src-main/cli/main.js` },
  outdir,
  bundle: true,
  splitting: true, // each command's dynamic import stays a chunk of its own: --help loads no node
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [ownUrls, englishOnlyZod, packagesExternal],
  // The bundled CommonJS packages (commander, pino) require Node's own modules: give them a require.
  banner: { js: "import { createRequire as __shoalCreateRequire } from 'node:module'; const require = __shoalCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
