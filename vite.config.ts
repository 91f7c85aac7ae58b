// Builds the renderer (src-renderer) into out/renderer, which the node serves at `/` on its peer
// port. Also the vitest project for the renderer's component and store tests (happy-dom), kept
// apart from the node's tests (vitest.config.ts) so neither slows the other.
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));
/** `npm run dev:ui`: the dev server passes API and event calls to a running node. */
const node = process.env.SHOAL_NODE ?? 'http://127.0.0.1:9001';

/** Writes precache.json: the built files the service worker (public/sw.js) keeps for offline. */
function precacheList(): Plugin {
  return {
    name: 'shoal-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'index.html');
      files.push('manifest.webmanifest', 'icons/icon-192.png', 'icons/icon.svg');
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precacheList()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    // Not emptied first: another `npm run build` in the same tree must not pull index.html from
    // under a running UI test. Old hashed files stay behind (out/ is a build folder; CI is fresh).
    emptyOutDir: false,
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] },
    proxy: { '/api': node, '/ws': { target: node, ws: true } },
  },
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['src-renderer/**/*.test.{ts,tsx}'],
    // Pure logic runs in Node; files that need a DOM say `@vitest-environment happy-dom` at the top.
    environment: 'node',
    testTimeout: 10_000,
  },
});
