// Where a worker thread's entry module is, compiled or not. Compiled (out/), the worker is plain
// .js next to its caller. Under vitest the caller is TypeScript, so the worker is too and must be
// loaded through tsx. Node 20 ignores `--import` in a worker's execArgv (tried), so a one-line
// bootstrap asks tsx's API to import the .ts entry instead.
import type { WorkerOptions } from 'node:worker_threads';

/** `callerUrl`: the caller's import.meta.url; `name`: the entry's file name without extension, beside the caller. */
export function workerEntry(callerUrl: string, name: string): { filename: string | URL; options: WorkerOptions } {
  if (!callerUrl.endsWith('.ts')) return { filename: new URL(`./${name}.js`, callerUrl), options: {} };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return { filename: bootstrap, options: { eval: true } };
}
