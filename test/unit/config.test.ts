import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultDataDirectory,
  defaultDownloadDirectory,
  defaultSharedDirectory,
} from '../../src-main/core/config/default-paths.js';
import { ConfigError, ignoredSettingMessage, loadConfig, type IgnoredSetting, type LoadConfigInput } from '../../src-main/core/config/load-config.js';
import { serve, type ServeContext } from '../../src-main/cli/serve-command.js';

let tmp: string;
let home: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-config-'));
  home = path.join(tmp, 'home');
  fs.mkdirSync(home);
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function input(overrides: Partial<LoadConfigInput> = {}): LoadConfigInput {
  return { env: {}, flags: {}, cwd: tmp, homedir: home, platform: 'linux', hostname: 'testhost', ...overrides };
}

function writeFile(relative: string, text: string): string {
  const file = path.join(tmp, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The ConfigError loadConfig throws for this input (fails the test if it does not throw). */
function configError(options: Partial<LoadConfigInput>): ConfigError {
  try {
    loadConfig(input(options));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('fill every key when nothing is configured', () => {
    expect(loadConfig(input())).toEqual({
      data_directory: path.join(home, '.config', 'Shoal'),
      peer: {
        port: 9001,
        host: '0.0.0.0',
        name: 'testhost',
        super_peer_address: [],
        shared_directory: path.join(home, 'Shoal', 'Shared'),
        download_directory: path.join(home, 'Shoal', 'Downloads'),
        max_file_size: 0,
        auto_register: true,
        allow_remote_control: false,
        allowed_hosts: [],
        share: true,
        lan_discovery: true,
      },
      super_peer: {
        enabled: false,
        port: 8080,
        max_peers: 10_000,
        heartbeat_interval: 30_000,
        cleanup_interval: 300_000,
        max_requests_per_address: 20_000,
        max_peers_per_address: 32, max_registrations_per_address: 60, max_files_per_peer: 50_000, max_files_per_address: 200_000, max_request_body: 8 * 1024 * 1024, reporter_maturity: 86_400_000,
        federation: [], federation_deadline: 500, federation_learn: true, federation_max_hops: 3, federation_replicas: true,
      },
      transfers: {
        max_download_rate: 0, max_upload_rate: 0, max_uploads: 16, upload_quota_per_peer: 0, share_downloads: true, stall_timeout: 10_000, max_sources_per_download: 8,
        max_uploads_per_peer: 4, upload_stall_timeout: 30_000,
      },
      security: {
        enable_encryption: true, allow_plain_http: true, hash_algorithm: 'sha256', max_connections: 100,
        max_connections_per_address: 32, max_requests_per_address: 2_000, request_window: 10_000,
        allowed_networks: [], blocked_networks: [],
      },
      dht: { enabled: false, port: 0, bootstrap: [], max_announced: 1000, peers_per_lookup: 20 },
      logging: { level: 'info', format: 'json', output: 'stdout' },
    });
  });

  it('treat an empty config file as no settings', () => {
    const file = writeFile('empty.yaml', '');
    expect(loadConfig(input({ configFile: file })).peer.port).toBe(9001);
  });
});

describe('the seed config.yaml', () => {
  it('loads as written, with units and a single super-peer address; peer.heartbeat_interval is ignored, with a warning', () => {
    const file = writeFile(
      'conf/config.yaml',
      `super_peer:
  port: 8080
  max_peers: 1000
  heartbeat_interval: 30s
  cleanup_interval: 5m

peer:
  port: 9001
  super_peer_address: "localhost:8080"
  shared_directory: "./shared_files"
  max_file_size: 100MB
  heartbeat_interval: 30s
  auto_register: true

security:
  enable_encryption: true
  hash_algorithm: "sha256"
  max_connections: 100

logging:
  level: "info"
  format: "json"
  output: "stdout"
`,
    );
    const ignored: IgnoredSetting[] = [];
    const config = loadConfig(input({ configFile: file, onIgnored: (s) => ignored.push(s) }));
    expect(config.super_peer).toMatchObject({ port: 8080, max_peers: 1000, heartbeat_interval: 30_000, cleanup_interval: 300_000 });
    // The index sets the peers' heartbeat interval: the peer's own setting was never read.
    expect(config.peer).not.toHaveProperty('heartbeat_interval');
    expect(ignored).toEqual([{ key: 'peer.heartbeat_interval', source: file, why: expect.stringContaining('index server') }]);
    expect(ignored.map(ignoredSettingMessage)[0]).toContain(`peer.heartbeat_interval (from ${file}) is ignored`);
    expect(config.peer).toMatchObject({
      port: 9001,
      super_peer_address: ['localhost:8080'],
      shared_directory: path.join(tmp, 'conf', 'shared_files'),
      max_file_size: 100 * 1024 * 1024,
      auto_register: true,
    });
    expect(config.security.enable_encryption).toBe(true);
    expect(config.logging).toEqual({ level: 'info', format: 'json', output: 'stdout' });
  });
});

describe('precedence: defaults < file < environment < flags', () => {
  const file = () => writeFile('config.yaml', 'peer:\n  port: 9100\n  name: from-file\n  host: 127.0.0.1\n');

  it('a file overrides the defaults', () => {
    const config = loadConfig(input({ configFile: file() }));
    expect(config.peer).toMatchObject({ port: 9100, name: 'from-file', host: '127.0.0.1' });
  });

  it('the environment overrides the file, key by key', () => {
    const config = loadConfig(input({ configFile: file(), env: { SHOAL_PEER_PORT: '9200' } }));
    expect(config.peer).toMatchObject({ port: 9200, name: 'from-file', host: '127.0.0.1' });
  });

  it('flags override the environment', () => {
    const config = loadConfig(
      input({ configFile: file(), env: { SHOAL_PEER_PORT: '9200', SHOAL_PEER_HOST: '::1' }, flags: { port: '9300' } }),
    );
    expect(config.peer).toMatchObject({ port: 9300, name: 'from-file', host: '::1' });
  });

  it('the index flags: --index, --index-port, --index-server, --no-share', () => {
    const config = loadConfig(input({ flags: { index: true, indexPort: '0', indexServer: ['a.lan:8080', '10.0.0.2:9000'], share: false } }));
    expect(config.super_peer).toMatchObject({ enabled: true, port: 0 });
    expect(config.peer.super_peer_address).toEqual(['a.lan:8080', '10.0.0.2:9000']);
    expect(config.peer.share).toBe(false);
    // Switches not given say nothing: commander reports an absent --no-share as share: true.
    const noShare = writeFile('no-share.yaml', 'peer:\n  share: false\n');
    expect(loadConfig(input({ configFile: noShare, flags: { share: true, index: false } })).peer.share).toBe(false);
  });

  it('--config and SHOAL_CONFIG name the file too', () => {
    expect(loadConfig(input({ flags: { config: file() } })).peer.port).toBe(9100);
    expect(loadConfig(input({ env: { SHOAL_CONFIG: 'config.yaml' } })).peer.name).toBe('from-file');
  });

  it('without a named file, <data_directory>/config.yaml is read if it exists', () => {
    writeFile('data/config.yaml', 'peer:\n  name: in-data\n');
    expect(loadConfig(input({ flags: { data: 'data' } })).peer.name).toBe('in-data');
    expect(loadConfig(input({ env: { SHOAL_DATA_DIRECTORY: path.join(tmp, 'data') } })).peer.name).toBe('in-data');
    writeFile('xdg/Shoal/config.yaml', 'peer:\n  name: in-xdg\n');
    expect(loadConfig(input({ env: { XDG_CONFIG_HOME: path.join(tmp, 'xdg') } })).peer.name).toBe('in-xdg');
  });

  it('a missing default config file is fine', () => {
    expect(loadConfig(input({ flags: { data: 'nowhere' } })).data_directory).toBe(path.join(tmp, 'nowhere'));
  });
});

describe('environment variables', () => {
  it('PORT is an alias for peer.port; SHOAL_PEER_PORT wins over it', () => {
    expect(loadConfig(input({ env: { PORT: '9005' } })).peer.port).toBe(9005);
    expect(loadConfig(input({ env: { PORT: '9005', SHOAL_PEER_PORT: '9006' } })).peer.port).toBe(9006);
  });

  it('DEBUG=true asks for debug logging; other DEBUG values are left to other tools', () => {
    expect(loadConfig(input({ env: { DEBUG: 'true' } })).logging.level).toBe('debug');
    expect(loadConfig(input({ env: { DEBUG: '1' } })).logging.level).toBe('debug');
    expect(loadConfig(input({ env: { DEBUG: 'express:*' } })).logging.level).toBe('info');
  });

  it('DEBUG and --verbose never make logging quieter than configured', () => {
    const env = { SHOAL_LOGGING_LEVEL: 'trace', DEBUG: 'true' };
    expect(loadConfig(input({ env })).logging.level).toBe('trace');
    expect(loadConfig(input({ env: { SHOAL_LOGGING_LEVEL: 'warn' }, flags: { verbose: true } })).logging.level).toBe('debug');
  });

  it('are read as the key expects: booleans, numbers, durations, lists', () => {
    const ignored: IgnoredSetting[] = [];
    const config = loadConfig(
      input({
        onIgnored: (s) => ignored.push(s),
        env: {
          SHOAL_SUPER_PEER_ENABLED: 'true',
          SHOAL_PEER_AUTO_REGISTER: 'no',
          SHOAL_SUPER_PEER_MAX_PEERS: '50',
          SHOAL_PEER_HEARTBEAT_INTERVAL: '10s',
          SHOAL_PEER_MAX_FILE_SIZE: '1GB',
          SHOAL_PEER_SUPER_PEER_ADDRESS: 'a.example:8080, [::1]:8081',
          SHOAL_PEER_NAME: '1234',
          SHOAL_LOGGING_FORMAT: 'pretty',
          SHOAL_PEER_PORT: '',
        },
      }),
    );
    expect(config.super_peer.enabled).toBe(true);
    expect(config.super_peer.max_peers).toBe(50);
    expect(config.peer).toMatchObject({
      auto_register: false,
      max_file_size: 1024 ** 3,
      super_peer_address: ['a.example:8080', '[::1]:8081'],
      name: '1234',
      port: 9001, // an empty variable is unset
    });
    expect(config.logging.format).toBe('pretty');
    // A retired key's variable is not an unknown setting: it is ignored, and said so.
    expect(config.peer).not.toHaveProperty('heartbeat_interval');
    expect(ignored).toEqual([{ key: 'peer.heartbeat_interval', source: 'SHOAL_PEER_HEARTBEAT_INTERVAL', why: expect.any(String) }]);
  });
});

describe('paths', () => {
  it('relative paths in a file are relative to the file’s folder', () => {
    const file = writeFile(
      'etc/shoal/config.yaml',
      'data_directory: state\npeer:\n  shared_directory: ../share\n  download_directory: /abs/dl\nlogging:\n  output: logs/shoal.log\n',
    );
    const config = loadConfig(input({ configFile: file, cwd: '/somewhere/else' }));
    expect(config.data_directory).toBe(path.join(tmp, 'etc', 'shoal', 'state'));
    expect(config.peer.shared_directory).toBe(path.join(tmp, 'etc', 'share'));
    expect(config.peer.download_directory).toBe('/abs/dl');
    expect(config.logging.output).toBe(path.join(tmp, 'etc', 'shoal', 'logs', 'shoal.log'));
  });

  it('relative paths in flags and environment are relative to the working directory', () => {
    const config = loadConfig(
      input({ cwd: '/work/dir', flags: { shared: 'music', data: '../state' }, env: { SHOAL_PEER_DOWNLOAD_DIRECTORY: 'dl' } }),
    );
    expect(config.peer.shared_directory).toBe('/work/dir/music');
    expect(config.data_directory).toBe('/work/state');
    expect(config.peer.download_directory).toBe('/work/dir/dl');
  });

  it('"~" is the home folder, in files, flags and environment', () => {
    const file = writeFile('config.yaml', 'peer:\n  shared_directory: ~/Music\n');
    const config = loadConfig(input({ configFile: file, flags: { data: '~' }, env: { SHOAL_PEER_DOWNLOAD_DIRECTORY: '~/dl' } }));
    expect(config.peer.shared_directory).toBe(path.join(home, 'Music'));
    expect(config.data_directory).toBe(home);
    expect(config.peer.download_directory).toBe(path.join(home, 'dl'));
  });

  it('stdout and stderr in logging.output are streams, not files', () => {
    expect(loadConfig(input({ env: { SHOAL_LOGGING_OUTPUT: 'stderr' } })).logging.output).toBe('stderr');
  });
});

describe('default paths per platform', () => {
  it('Linux: $XDG_CONFIG_HOME/Shoal, else ~/.config/Shoal (a relative XDG_CONFIG_HOME is ignored)', () => {
    expect(defaultDataDirectory('linux', {}, '/home/ann')).toBe('/home/ann/.config/Shoal');
    expect(defaultDataDirectory('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg/Shoal');
    expect(defaultDataDirectory('linux', { XDG_CONFIG_HOME: 'rel' }, '/home/ann')).toBe('/home/ann/.config/Shoal');
    expect(defaultDataDirectory('freebsd', {}, '/home/ann')).toBe('/home/ann/.config/Shoal');
  });

  it('macOS: ~/Library/Application Support/Shoal', () => {
    expect(defaultDataDirectory('darwin', { XDG_CONFIG_HOME: '/cfg' }, '/Users/ann')).toBe('/Users/ann/Library/Application Support/Shoal');
  });

  it('Windows: %APPDATA%\\Shoal, else <home>\\AppData\\Roaming\\Shoal', () => {
    expect(defaultDataDirectory('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Shoal',
    );
    expect(defaultDataDirectory('win32', {}, 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\Shoal');
  });

  it('shared and download folders sit in ~/Shoal, with the platform’s separators', () => {
    expect(defaultSharedDirectory('linux', '/home/ann')).toBe('/home/ann/Shoal/Shared');
    expect(defaultDownloadDirectory('darwin', '/Users/ann')).toBe('/Users/ann/Shoal/Downloads');
    expect(defaultSharedDirectory('win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\Shoal\\Shared');
    expect(defaultDownloadDirectory('win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\Shoal\\Downloads');
  });

  it('loadConfig uses them for the platform it is given', () => {
    const config = loadConfig(input({ platform: 'darwin', homedir: '/Users/ann', cwd: '/' }));
    expect(config.data_directory).toBe('/Users/ann/Library/Application Support/Shoal');
    expect(config.peer.shared_directory).toBe('/Users/ann/Shoal/Shared');
  });
});

describe('errors name the key, the problem and the source', () => {
  it('invalid YAML names the file and the line', () => {
    const file = writeFile('config.yaml', 'peer:\n  port: [1\n');
    const error = configError({ configFile: file });
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/invalid YAML: .*line \d+/);
  });

  it('a file that is not a mapping is refused', () => {
    const file = writeFile('config.yaml', '- just\n- a list\n');
    expect(configError({ configFile: file }).message).toMatch(/expected a YAML mapping/);
  });

  it('unknown keys are errors, with a suggestion when it looks like a typo', () => {
    const file = writeFile('config.yaml', 'peer:\n  prot: 9001\nloging:\n  level: info\nsurprise: 1\n');
    const error = configError({ configFile: file });
    expect(error.message).toContain(`peer.prot: unknown key (did you mean "port"?) (from ${file})`);
    expect(error.message).toContain('loging: unknown key (did you mean "logging"?)');
    expect(error.message).toContain('surprise: unknown key');
    expect(error.problems).toHaveLength(3);
  });

  it('bad values name the key and what was expected, every problem at once', () => {
    const file = writeFile(
      'config.yaml',
      [
        'peer:',
        '  port: 70000',
        '  max_file_size: 1XB',
        '  auto_register: yes',
        '  super_peer_address: localhost',
        '  shared_directory: ""',
        'super_peer:',
        '  max_peers: 0',
        '  heartbeat_interval: soon',
        '  cleanup_interval: 0s',
        'security:',
        '  hash_algorithm: md5',
        'logging:',
        '  level: loud',
        '  format: xml',
      ].join('\n'),
    );
    const lines = configError({ configFile: file }).message.split('\n').map((line) => line.trim());
    const keys = lines.map((line) => line.slice(0, line.indexOf(':')));
    expect(keys.sort()).toEqual(
      [
        'peer.port',
        'super_peer.heartbeat_interval',
        'peer.max_file_size',
        'peer.auto_register',
        'peer.super_peer_address',
        'peer.shared_directory',
        'super_peer.max_peers',
        'super_peer.cleanup_interval',
        'security.hash_algorithm',
        'logging.level',
        'logging.format',
      ].sort(),
    );
    expect(lines).toContain(`peer.port: expected a port number from 0 to 65535, got 70000 (from ${file})`);
    expect(lines.find((line) => line.startsWith('logging.level'))).toContain('expected one of trace, debug, info');
    expect(lines.find((line) => line.startsWith('peer.auto_register'))).toContain('expected true or false, got "yes"');
  });

  it('bad environment values name the variable', () => {
    const error = configError({ env: { SHOAL_PEER_PORT: 'abc', SHOAL_SUPER_PEER_ENABLED: 'maybe' } });
    expect(error.message).toContain('peer.port: expected a port number (0 to 65535), got "abc" (from SHOAL_PEER_PORT)');
    expect(error.message).toContain('super_peer.enabled: expected true or false, got "maybe" (from SHOAL_SUPER_PEER_ENABLED)');
    expect(configError({ env: { PORT: '-3' } }).message).toContain('(from PORT)');
  });

  it('a misspelt SHOAL_ variable in a known section is an error; other SHOAL_ variables are not ours', () => {
    const error = configError({ env: { SHOAL_PEER_PROT: '9001', SHOAL_SOMETHING_ELSE: 'x' } });
    expect(error.message).toContain('SHOAL_PEER_PROT: unknown setting (did you mean SHOAL_PEER_PORT?)');
    expect(error.problems).toHaveLength(1);
  });

  it('bad flags name the flag', () => {
    expect(configError({ flags: { port: 'http' } }).message).toContain('peer.port: expected a port number (0 to 65535), got "http" (from --port)');
    expect(configError({ flags: { port: '65536' } }).message).toContain('got 65536 (from --port)');
  });

  it('a config file that was named but does not exist is an error', () => {
    const error = configError({ configFile: path.join(tmp, 'missing.yaml') });
    expect(error.message).toContain(`config file: ${path.join(tmp, 'missing.yaml')} does not exist`);
    expect(configError({ flags: { config: 'missing.yaml' } })).toBeInstanceOf(ConfigError);
  });

  it('`shoal serve` prints the problems and exits with code 2', async () => {
    const file = writeFile('config.yaml', 'peer:\n  port: 70000\n');
    const written = { stdout: '', stderr: '' };
    const exits: number[] = [];
    const context: ServeContext = {
      env: {},
      cwd: tmp,
      homedir: home,
      platform: 'linux',
      hostname: 'testhost',
      stdout: { write: (text: string) => (written.stdout += text) },
      stderr: { write: (text: string) => (written.stderr += text) },
      signals: { on: () => undefined },
      exit: (code) => exits.push(code),
    };
    await serve({ config: file }, context);
    expect(exits).toEqual([2]);
    expect(written.stderr).toMatch(/^shoal: invalid configuration:\n {2}peer\.port: /);
    expect(written.stdout).toBe('');
  });
});
