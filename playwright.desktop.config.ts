// The packaged desktop app's smoke test (e2e/desktop/), apart from the browser tests: it launches
// electron-builder's unpacked output, which exists only where Electron could be downloaded (the
// GitHub workflows). Elsewhere the test skips itself, saying why. Run: npx playwright test -c playwright.desktop.config.ts
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './e2e/desktop',
  // *.desktop.ts, so that the browser suite (playwright.config.ts, *.spec.ts under e2e/) never picks it up.
  testMatch: '**/*.desktop.ts',
  outputDir: './test-results/e2e-desktop',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // One app at a time: each launch takes a single-instance lock and real ports.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? 'line' : 'list',
  use: { screenshot: 'only-on-failure', trace: 'retain-on-failure' },
});
