// The `shoal` command line: its commands and flags, and nothing else (actions are passed in).
import { Command } from 'commander';
import type { ConfigFlags } from '../core/config/load-config.js';
import type { HashFlags } from './hash-command.js';
import type { ForgetIndexFlags, GetFlags, SearchFlags, TorrentFlags } from './terminal-commands.js';

export interface ProgramActions {
  serve: (flags: ConfigFlags) => Promise<void>;
  search: (words: string[], flags: SearchFlags) => Promise<void>;
  get: (fileId: string, flags: GetFlags) => Promise<void>;
  torrent: (fileId: string, flags: TorrentFlags) => Promise<void>;
  hash: (paths: string[], flags: HashFlags) => Promise<void>;
  forgetIndex: (address: string, flags: ForgetIndexFlags) => Promise<void>;
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
    .option('--downloads <dir>', 'folder finished downloads land in (peer.download_directory)')
    .option('--data <dir>', 'folder for the database and settings (data_directory)')
    .option('--port <n>', 'peer API port, 0 for any free port (peer.port)')
    .option('--host <addr>', 'address to listen on (peer.host)')
    .option('--config <file>', 'config file to read instead of <data>/config.yaml')
    .option('--index', 'run as an index server too (super_peer.enabled)')
    .option('--index-port <n>', 'index API port, 0 for any free port (super_peer.port)')
    .option('--index-server <host:port...>', 'index servers to register with, host:port or host:port#NODEID to accept only that node there (peer.super_peer_address)')
    .option('--no-share', 'share nothing: an index server only (peer.share)')
    .option('-v, --verbose', 'log at debug level or more detailed')
    .action((flags: ConfigFlags) => actions.serve(flags));

  program
    .command('search')
    .description('search the network\u2019s files and print a table')
    .argument('<words...>', 'words to look for: all must match; "a phrase", -excluded, OR')
    .option('--index <host:port>', 'the index server to ask, host:port#NODEID to accept only that node (default: peer.super_peer_address, else one found on the LAN)')
    .option('--category <name>', 'video, audio, image, document, archive, software, code or other')
    .option('--ext <ext>', 'only files with this extension (mkv or .mkv)')
    .option('--min-size <size>', 'only files at least this big (700MB, 1.5GiB, bytes)')
    .option('--max-size <size>', 'only files at most this big')
    .option('--limit <n>', 'how many results (1 to 200)', '20')
    .option('--json', 'print the results as JSON')
    .option('--config <file>', 'config file to read instead of <data>/config.yaml')
    .option('-v, --verbose', 'log what happens')
    .action((words: string[], flags: SearchFlags) => actions.search(words, flags));

  program
    .command('get')
    .description('download a file by its id from every source, verified piece by piece')
    .argument('<fileId>', 'the file id that shoal search prints, or a unique prefix of it (shoal hash prints a local file\u2019s)')
    .option('--index <host:port>', 'the index server that finds sources, host:port#NODEID to accept only that node (default: peer.super_peer_address, else the LAN)')
    .option('--peer <host:port>', 'fetch from this peer (besides what an index finds)')
    .option('--dht', 'also find sources in the BitTorrent DHT when no index server has one (dht.enabled does it always; dht.bootstrap for a private DHT; needs the whole id)')
    .option('-o, --output <dir>', 'folder to save into (default: the current folder)')
    .option('--data <dir>', 'folder for the download state that lets Ctrl-C and a rerun go on (default: <data>/terminal)')
    .option('--force', 'download again even if this folder already holds the finished file')
    .option('--config <file>', 'config file to read instead of <data>/config.yaml')
    .option('-v, --verbose', 'log what happens')
    .action((fileId: string, flags: GetFlags) => actions.get(fileId, flags));

  program
    .command('torrent')
    .description('save a file\u2019s BitTorrent v2 .torrent (Shoal peers as web seeds), for qBittorrent or any libtorrent 2.x client')
    .argument('<fileId>', 'the file id that shoal search prints')
    .option('--index <host:port>', 'the index server to ask: every online source becomes a web seed; host:port#NODEID to accept only that node (default: peer.super_peer_address, else the LAN)')
    .option('--peer <host:port>', 'ask this peer instead: it is the only web seed')
    .option('-o, --output <file>', 'where to save it, - for stdout (default: <name>.torrent in the current folder)')
    .option('--config <file>', 'config file to read instead of <data>/config.yaml')
    .option('-v, --verbose', 'log what happens')
    .action((fileId: string, flags: TorrentFlags) => actions.torrent(fileId, flags));

  program
    .command('forget-index')
    .description('forget the node id kept for an index server, to trust the one answering there now (it was set up again with a new key); the next command keeps its id')
    .argument('<host:port>', 'the index server\u2019s address, as given to --index')
    .option('--data <dir>', 'the state folder given to shoal get --data (default: <data>/terminal, that of search, get and torrent)')
    .option('--config <file>', 'config file to read instead of <data>/config.yaml')
    .action((address: string, flags: ForgetIndexFlags) => actions.forgetIndex(address, flags));

  program
    .command('hash')
    .description('print the Shoal id of local files (the root of their BitTorrent v2 hash tree), like sha256sum')
    .argument('<files...>', 'files to hash')
    .option('--sha256', 'also print the whole file\u2019s SHA-256, as sha256sum does (a second pass)')
    .action((paths: string[], flags: HashFlags) => actions.hash(paths, flags));

  return program;
}
