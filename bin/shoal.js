#!/usr/bin/env node
// The installed entry point: runs the bundled CLI, out/cli/shoal.cjs (npm run build,
// scripts/bundle-cli.mjs), with the code V8 compiled for it on an earlier run. Compiling the
// bundle took ~45 ms of every `shoal get`; V8 checks a cache against its own version, flags and the
// source, and a rejected one costs only a normal compile. One cache per command, written once
// after the command ran, so it holds the functions that command needed. Where out/ is read-only
// the command simply runs without one.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('../out/cli/shoal.cjs', import.meta.url));
const command = /^[a-z-]{1,20}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
const cacheFile = `${bundle}.${command}.v8-cache`;

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // None yet: this run writes it.
}
// The bundle is ASCII (bundle-cli.mjs): read as latin1, it needs no UTF-8 decoding.
const source = readFileSync(bundle, 'latin1');
// Module.wrap's parameters, and our import() for the ES-only packages (bundle-cli.mjs), on the
// source's first line so stack traces keep its line numbers.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __shoalImport) {${source}\n})`, { filename: bundle, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const partial = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
    } catch {
      // Read-only or full: run without a cache next time too.
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), (specifier) => import(specifier));
