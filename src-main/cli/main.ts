// Entry point of the `shoal` command (bin/shoal.js): wires the real process into the program.
import os from 'node:os';
import { installFailurePolicy, stderrReport } from '../core/node/failure-policy.js';
import { readPackageVersion } from '../core/node/package-version.js';
import { trimHeapWhenIdle } from './idle-heap-trim.js';
import { createProgram } from './program.js';

const failures = installFailurePolicy(process, stderrReport(process.stderr));

const terminal = {
  env: process.env, cwd: process.cwd(), homedir: os.homedir(), platform: process.platform, hostname: os.hostname(),
  stdout: process.stdout, stderr: process.stderr, signals: process,
};

// Each command's code is loaded when it runs: --help, --version, hash, search and get do not pay
// for the whole node (serve-command.ts), nor serve for the terminal commands.
const program = createProgram(readPackageVersion(), {
  search: async (words, flags) => {
    const { searchCommand } = await import('./terminal-commands.js');
    process.exitCode = await searchCommand(words, flags, terminal);
  },
  torrent: async (fileId, flags) => {
    const { torrentCommand } = await import('./terminal-commands.js');
    process.exitCode = await torrentCommand(fileId, flags, terminal);
  },
  hash: async (paths, flags) => {
    const { runHash } = await import('./hash-command.js');
    process.exitCode = await runHash(paths, flags, terminal);
  },
  forgetIndex: async (address, flags) => {
    const { forgetIndexCommand } = await import('./terminal-commands.js');
    process.exitCode = await forgetIndexCommand(address, flags, terminal);
  },
  get: async (fileId, flags) => {
    const { getCommand } = await import('./terminal-commands.js');
    process.exit(await getCommand(fileId, flags, terminal));
  },
  serve: async (flags) => {
    // A long-lived server that mostly idles: give back what busy spells grew (idle-heap-trim.ts).
    trimHeapWhenIdle();
    const { serve } = await import('./serve-command.js');
    return serve(flags, {
      env: process.env,
      cwd: process.cwd(),
      homedir: os.homedir(),
      platform: process.platform,
      hostname: os.hostname(),
      stdout: process.stdout,
      stderr: process.stderr,
      signals: process,
      exit: (code) => process.exit(code),
      failures,
    });
  },
});

// No top-level await: the bundle is a CommonJS script, so V8 can keep its compiled code (bin/shoal.js).
program.parseAsync(process.argv).catch((error: unknown) => {
  // Expected failures are reported where they happen; this is for the unexpected, briefly.
  process.stderr.write(`shoal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
