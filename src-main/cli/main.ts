// Entry point of the `shoal` command (bin/shoal.js): wires the real process into the program.
import os from 'node:os';
import { readPackageVersion } from '../core/node/package-version.js';
import { createProgram } from './program.js';
import { serve } from './serve-command.js';

const program = createProgram(readPackageVersion(), {
  serve: (flags) =>
    serve(flags, {
      env: process.env,
      cwd: process.cwd(),
      homedir: os.homedir(),
      platform: process.platform,
      hostname: os.hostname(),
      stdout: process.stdout,
      stderr: process.stderr,
      signals: process,
      exit: (code) => process.exit(code),
    }),
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures are reported where they happen; this is for the unexpected, briefly.
  process.stderr.write(`shoal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
