// Lint, and above all DESIGN.md's layer table: where code may run decides what it may import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { readdirSync } from 'node:fs';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads', 'stream', 'stream/*', 'url', 'util', 'events'];
const electron = ['electron', 'electron/*'];
const react = ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*'];

/** One layer's rule: patterns it must never import, each with the reason shown by the lint error. */
function layer(files, forbidden) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: forbidden.map(([group, message]) => ({ group, message })),
      }],
    },
  };
}

const coreForbidden = [
  [electron, 'src-main/core runs in plain Node: never import electron (DESIGN.md, layers).'],
  [react, 'src-main/core never imports React.'],
  [['**/src-renderer/**', '**/electron/**', '**/cli/**'], 'src-main/core imports only src-shared and Node.'],
];

/**
 * The shape inside src-main/core (docs/architecture.md, "The node"): which folders each folder
 * must not import, and why. A folder not named here gets every rule that names no exception for it.
 */
const coreRules = [
  { not: ['node'], except: ['node'], message: 'node/ is the composition root: it builds the services, nothing imports it.' },
  { not: ['http'], except: ['http', 'node', 'index'], message: 'http/ is a transport (the index server is served over it too): the node API lives in core/api, addresses in core/net.' },
  { not: ['downloads'], except: ['downloads', 'api', 'dht', 'node'], message: 'downloads/ is the download manager, not a utility drawer: shared helpers live where they belong (core/files, core/net, core/transfers).' },
];

/** One config per folder of core, so each gets the core-wide rule plus all of its own (a later config's rule options replace an earlier one's). */
function coreFolderLayers() {
  const folders = readdirSync(new URL('./src-main/core', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  return folders.map((folder) => layer([`src-main/core/${folder}/**`], [
    ...coreForbidden,
    ...coreRules.filter((r) => !r.except.includes(folder)).map((r) => [r.not.map((f) => `**/${f}/**`), `src-main/core/${folder}: ${r.message}`]),
  ]));
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', '.bench-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The renderer runs in a browser; page.evaluate callbacks in e2e tests do too.
    files: ['src-renderer/**', 'e2e/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-renderer/public/sw.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  layer(['src-shared/**'], [
    [nodeBuiltins, 'src-shared runs anywhere: no Node built-ins (DESIGN.md, layers).'],
    [electron, 'src-shared runs anywhere: no electron.'],
    [react, 'src-shared runs anywhere: no React.'],
    [['**/src-main/**', '**/src-renderer/**'], 'src-shared imports nothing of the other layers.'],
  ]),
  layer(['src-main/core/**'], coreForbidden),
  ...coreFolderLayers(),
  layer(['src-main/cli/**'], [
    [electron, 'src-main/cli runs in plain Node: never import electron.'],
    [react, 'src-main/cli never imports React.'],
    [['**/src-renderer/**', '**/electron/**'], 'src-main/cli imports src-main/core and src-shared only.'],
  ]),
  layer(['src-main/electron/**'], [
    [react, 'src-main/electron never imports React.'],
    [['**/src-renderer/**'], 'The Electron shell talks to the renderer over IPC, never by import.'],
  ]),
  // The preload runs sandboxed in the window: electron and the shared contract, nothing of Node.
  layer(['src-main/electron/preload.ts', 'src-main/electron/window-api.ts'], [
    [nodeBuiltins, 'The preload runs sandboxed: no Node built-ins.'],
    [react, 'The preload never imports React.'],
    [['**/core/**', '**/cli/**', '**/src-renderer/**'], 'The preload imports only electron and src-shared.'],
  ]),
  layer(['src-renderer/**'], [
    [nodeBuiltins, 'The renderer runs in a browser: no Node built-ins.'],
    [electron, 'The renderer reaches Electron only through window.shoal (preload).'],
    [['**/src-main/**'], 'The renderer talks to the node through the src-shared contract only.'],
  ]),
);
