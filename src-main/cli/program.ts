// The `shoal` command line: its commands and flags, and nothing else (actions are passed in).
import { Command } from 'commander';
import type { ConfigFlags } from '../core/config/load-config.js';

export interface ProgramActions {
  serve: (flags: ConfigFlags) => Promise<void>;
}

export function createProgram(version: string, actions: ProgramActions): Command {
  const program = new Command('shoal')
    .description('Peer-to-peer file sharing: share a folder, find and download from other Shoal peers.')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError('(run "shoal --help" for usage)');

  program
    .command('serve')
    .description('run a node without the desktop window; the app opens in a browser')
    .option('--shared <dir>', 'folder to share (peer.shared_directory)')
    .option('--data <dir>', 'folder for the database and settings (data_directory)')
    .option('--port <n>', 'peer API port, 0 for any free port (peer.port)')
    .option('--host <addr>', 'address to listen on (peer.host)')
    .option('--config <file>', 'config file to read instead of <data>/config.yaml')
    .option('--index', 'run as an index server too (super_peer.enabled)')
    .option('--index-port <n>', 'index API port, 0 for any free port (super_peer.port)')
    .option('--index-server <host:port...>', 'index servers to register with (peer.super_peer_address)')
    .option('--no-share', 'share nothing: an index server only (peer.share)')
    .option('-v, --verbose', 'log at debug level or more detailed')
    .action((flags: ConfigFlags) => actions.serve(flags));

  return program;
}
