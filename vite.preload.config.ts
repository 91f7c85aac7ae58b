// Bundles the preload script into one CommonJS file (out/preload/preload.cjs): a sandboxed
// preload may require only `electron`, so the contract and zod travel inside it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    lib: {
      entry: fileURLToPath(new URL('./src-main/electron/preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    outDir: fileURLToPath(new URL('./out/preload', import.meta.url)),
    emptyOutDir: true,
    minify: false,
    rollupOptions: { external: ['electron'] },
  },
});
