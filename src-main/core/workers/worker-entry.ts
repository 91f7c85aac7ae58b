// Where a worker thread's code is. Compiled (out/), the worker is plain .js next to its owner.
// Under vitest the owner is TypeScript, so the worker is too and must be loaded through tsx;
// Node 20 ignores `--import` in a worker's execArgv (tried), so a one-line bootstrap asks tsx's
// API to import the .ts entry instead.
import type { WorkerOptions } from 'node:worker_threads';

/** `ownerUrl` is the importing module's `import.meta.url`; `name` the worker's file name without extension. */
export function workerEntry(ownerUrl: string, name: string): { filename: string | URL; options: WorkerOptions } {
  if (!ownerUrl.endsWith('.ts')) return { filename: new URL(`./${name}.js`, ownerUrl), options: {} };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, ownerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return { filename: bootstrap, options: { eval: true } };
}
