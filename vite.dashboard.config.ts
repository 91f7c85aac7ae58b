// Builds the index port's read-only network dashboard (src-renderer/index-dashboard) into
// out/dashboard, which an index server serves at `/` on its index port (dashboard-page.ts in
// src-main/core/index). Not under src-renderer/dashboard: that name is the app's Dashboard route.
// A page of its own, apart from the app's build: no service worker, no token, no app routes.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./src-renderer/index-dashboard', import.meta.url)),
  base: '/',
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/dashboard', import.meta.url)),
    // As the app's build: a running test's page must not lose its files to another build.
    emptyOutDir: false,
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
});
