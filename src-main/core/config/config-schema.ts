// The config file's shape: the seed's config.yaml sections and snake_case keys exactly, so a
// validation error names the key the user actually wrote. Strict: an unknown key is an error,
// because a misspelt setting that is silently ignored is worse than one that stops the node.
import { z } from 'zod';
import { HOST_PORT } from '../../../src-shared/api/common.js';
import { indexAddressSchema } from '../../../src-shared/api/index-address.js';
import { MAX_NETWORKS, networkSchema } from '../../../src-shared/api/access.js';
import { byteSizeSchema, durationSchema } from './units.js';

/** The defaults that depend on the machine; loadConfig fills them in. */
export interface ConfigDefaults {
  /** Per-user app-data folder (see default-paths.ts). */
  dataDirectory: string;
  sharedDirectory: string;
  downloadDirectory: string;
  /** The peer's display name: the machine's hostname. */
  name: string;
}

// setTimeout/setInterval fire at once for delays above 2^31-1 ms, so longer intervals are refused.
const MAX_TIMER_MS = 2_147_483_647;

const port = z
  .number({ error: 'expected a port number (0 to 65535)' })
  .int({ error: 'expected a whole port number (0 to 65535)' })
  .min(0, { error: 'expected a port number from 0 to 65535' })
  .max(65535, { error: 'expected a port number from 0 to 65535' });

const count = z
  .number({ error: 'expected a whole number of at least 1' })
  .int({ error: 'expected a whole number of at least 1' })
  .min(1, { error: 'expected a whole number of at least 1' });

/** A limit where 0 turns it off. */
const limit = z
  .number({ error: 'expected a whole number (0 = no limit)' })
  .int({ error: 'expected a whole number (0 = no limit)' })
  .min(0, { error: 'expected a whole number (0 = no limit)' });

const interval = durationSchema
  .refine((ms) => ms > 0, { error: 'must be longer than 0' })
  .refine((ms) => ms <= MAX_TIMER_MS, { error: 'must be at most 24 days' });

const nonEmpty = (what: string) => z.string({ error: `expected ${what}` }).trim().min(1, { error: `expected ${what}, not an empty string` });

/** A folder or file path; loadConfig has already expanded "~" and made it absolute. */
const pathSetting = nonEmpty('a path');

const boolean = z.boolean({ error: 'expected true or false' });

/** A DNS name (letters, digits, hyphens, dots); one or a list, always a list once parsed. */
const hostName = z.string().trim().toLowerCase().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/, { error: 'expected a host name like "shoal.lan"' });
const hostNameList = z
  .union([z.string(), z.array(z.unknown())], { error: 'expected a host name or a list of them' })
  .transform((value) => (typeof value === 'string' ? (value.trim() === '' ? [] : [value]) : value))
  .pipe(z.array(hostName));

/** CIDR networks ("192.168.1.0/24", "fd00::/8") or single addresses; one or a list, always a list once parsed. */
const networkList = z
  .union([z.string(), z.array(z.unknown())], { error: 'expected a network like "192.168.1.0/24" or a list of them' })
  .transform((value) => (typeof value === 'string' ? (value.trim() === '' ? [] : [value]) : value))
  .pipe(z.array(networkSchema).max(MAX_NETWORKS, { error: `at most ${MAX_NETWORKS} networks` }));

// The shared HOST_PORT pattern, with the wording of config errors.
const address = z
  .string({ error: 'expected "host:port"' })
  .trim()
  .refine((value) => {
    const port = Number(HOST_PORT.exec(value)?.[2]);
    return port >= 1 && port <= 65535;
  }, { error: 'expected "host:port", like "localhost:8080"' });

/** One address or a list; an empty string means none. Always a list once parsed. */
const listOf = (address: z.ZodType<string>) => z
  .union([z.string(), z.array(z.unknown())], { error: 'expected "host:port" or a list of them' })
  .transform((value, ctx) => {
    const single = typeof value === 'string';
    const items = single ? (value.trim() === '' ? [] : [value]) : value;
    return items.flatMap((item, index) => {
      const result = address.safeParse(item);
      if (result.success) return [result.data];
      // The issue points at the bad entry of a list, or at the key itself for a single address.
      ctx.issues.push({ code: 'custom', message: result.error.issues[0]?.message ?? 'invalid address', input: item, path: single ? [] : [index] });
      return [];
    });
  });
const addressList = listOf(address);
/** Index servers (peer.super_peer_address, super_peer.federation): `host:port`, or `host:port#NODEID` to accept only that node there (a mistyped id is an error). */
const indexAddressList = listOf(indexAddressSchema);

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export function createConfigSchema(defaults: ConfigDefaults) {
  return z.strictObject({
    data_directory: pathSetting.default(defaults.dataDirectory)
      .describe('The node\'s data folder: its database, control token and the default config.yaml.'),

    peer: z
      .strictObject({
        port: port.default(9001)
          .describe('The peer port: the peer API, the web UI and downloads from this node. 0 = any free port (several nodes on one machine).'),
        host: nonEmpty('a host name or IP address').default('0.0.0.0')
          .describe('All interfaces by default: other peers must be able to reach us.'),
        name: nonEmpty('a peer name').default(defaults.name)
          .describe('The name other nodes show for this one.'),
        super_peer_address: indexAddressList.default([])
          .describe('Index servers to register with: "host:port", or "host:port#NODEID" with the index server\'s full node id (its Settings → This device), so only that node is accepted there. Without an id, the id an index proves the first time is kept and required from then on (trust on first use).'),
        shared_directory: pathSetting.default(defaults.sharedDirectory)
          .describe('The folder this node shares, watched for added, changed, renamed and deleted files.'),
        download_directory: pathSetting.default(defaults.downloadDirectory)
          .describe('Where finished downloads land.'),
        max_file_size: byteSizeSchema.default(0)
          .describe('Largest file this node shares or downloads, in bytes; 0 = unlimited (the default).'),
        auto_register: boolean.default(true)
          .describe('Register with an index server (configured, added in Settings, or found on the LAN) and announce the library.'),
        allow_remote_control: boolean.default(false)
          .describe('Whether the control API answers beyond loopback (still token-protected).'),
        allowed_hosts: hostNameList.default([])
          .describe('Names (besides localhost and IP addresses) the UI and control routes answer under, e.g. the name a reverse proxy or the LAN\'s DNS gives this machine. Others are refused (DNS rebinding).'),
        share: boolean.default(true)
          .describe('false: share nothing and register with no index (an index server only).'),
        lan_discovery: boolean.default(true)
          .describe('Find index servers on the LAN (mDNS) and advertise this node\'s own; false turns LAN discovery off.'),
      })
      .prefault({}),

    super_peer: z
      .strictObject({
        enabled: boolean.default(false)
          .describe('The "Run as index server" switch.'),
        port: port.default(8080)
          .describe('The index port, open while the index role is on. 0 = any free port.'),
        max_peers: count.default(10_000)
          .describe('Peers the index keeps registered at once; more get 503 INDEX_FULL.'),
        heartbeat_interval: interval.default(30_000)
          .describe('The heartbeat interval the index asks of its peers; 3 missed and a peer is offline.'),
        cleanup_interval: interval.default(300_000)
          .describe('How long a peer stays offline before the index forgets it and its files.'),
        federation: indexAddressList.default([])
          .describe('Other index servers to federate with ("host:port"): a search or a source lookup on this one answers for them too, and for the index servers they know (docs/architecture.md, "Federation"). "host:port#NODEID" with the server\'s full node id (its Settings → This device) federates only with that node there: another one at that address is refused and not used.'),
        federation_deadline: interval.default(500)
          .describe('How long a federated search or source lookup waits for the other index servers before it answers; later answers come with `more=<queryId>`.'),
        federation_max_hops: count.max(8, { error: 'expected at most 8' }).default(3)
          .describe('Hops a forwarded query makes at most (1: only the index servers this one knows).'),
        federation_learn: boolean.default(true)
          .describe('Learn index servers from the federation (the lists they answer, and those that ask this one); false: only the configured ones and the LAN\'s.'),
        federation_replicas: boolean.default(true)
          .describe('Keep a copy of the peers and file lists of the index servers this one federates with (pulled each second): a search answers from this server\'s store alone, and their peers fail over here cheaply. false: forward every search to them instead.'),
        max_requests_per_address: limit.default(20_000)
          .describe('Requests one address may make per security.request_window on the index port; 0 = no limit. Higher than the peer port\'s: many peers can share one address (NAT).'),
        max_peers_per_address: limit.default(32)
          .describe('Peers the index keeps registered from one address (the address a registration comes from, and the address it claims, each counted; IPv6 by /64); more get 429 TOO_MANY_PEERS. 0 = no limit.'),
        max_registrations_per_address: limit.default(60)
          .describe('Registrations one address may make per minute (IPv6 by /64); more get 429 RATE_LIMITED with Retry-After. 0 = no limit.'),
        max_files_per_peer: count.default(50_000)
          .describe('Files one peer may list at the index; a registration or file update beyond it gets 413 TOO_MANY_FILES.'),
        max_files_per_address: limit.default(200_000)
          .describe('Files the peers of one address may list in all (the claimed and the observed address each, IPv6 by /64); beyond it, 413 TOO_MANY_FILES. 0 = no limit.'),
        max_request_body: byteSizeSchema.default(8 * 1024 * 1024)
          .describe('The largest request body the index port reads (a registration carries up to 5,000 files); larger get 413 BODY_TOO_LARGE.'),
        reporter_maturity: interval.default(24 * 3_600_000)
          .describe('How long a peer must have been known to the index before its transfer reports count fully: a report weighs its reporter\'s age over this (a new identity weighs almost nothing).'),
      })
      .prefault({}),

    transfers: z
      .strictObject({
        max_download_rate: byteSizeSchema.default(0)
          .describe('Bytes per second over all downloads; 0 = unlimited. Changeable live in Settings.'),
        max_upload_rate: byteSizeSchema.default(0)
          .describe('Bytes per second over all uploads; 0 = unlimited.'),
        max_uploads: count.default(16)
          .describe('Uploads served at once; more get 503 with Retry-After.'),
        upload_quota_per_peer: byteSizeSchema.default(0)
          .describe('Bytes one remote peer may fetch per hour; 0 = unlimited (the seed\'s "bandwidth quotas per peer").'),
        share_downloads: boolean.default(true)
          .describe('A finished download joins the library, so the file gains a source.'),
        stall_timeout: interval.default(10_000)
          .describe('A source that sends nothing for this long loses its pieces to the others.'),
        max_sources_per_download: count.max(64, { error: 'expected at most 64' }).default(8)
          .describe('Sources one download uses at once, the nearest and best placed (round trips this node measures, the index\'s order); the others wait as standbys and take over from one that fails or is much slower (docs/downloads.md).'),
        max_uploads_per_peer: count.default(4)
          .describe('Uploads one remote address may hold at once: no one client takes every slot.'),
        upload_stall_timeout: interval.default(30_000)
          .describe('An upload whose client takes no bytes for this long is cut and its slot freed.'),
      })
      .prefault({}),

    security: z
      .strictObject({
        enable_encryption: boolean.default(true)
          .describe('Call other Shoal nodes (downloads, index servers, the index\'s call-back) over TLS 1.3 authenticated by their node keys, never in plain HTTP. Off: this node calls them in plain HTTP. Either way its own ports accept TLS.'),
        allow_plain_http: boolean.default(true)
          .describe('Serve strangers in plain HTTP too (curl, aria2c, BitTorrent web seeds) on the TLS ports; off: only TLS (403 PLAIN_HTTP_REFUSED). The local user on loopback always may use plain HTTP. Settings → Networks changes it live.'),
        hash_algorithm: z.literal('sha256', { error: 'only "sha256" is supported (file ids are SHA-256)' }).default('sha256')
          .describe('Accepted for the seed\'s config files; only sha256 (file ids are SHA-256 hash-tree roots).'),
        max_connections: count.default(100)
          .describe('Strangers\' connections open at once on the peer port (the local user\'s requests are still answered).'),
        max_connections_per_address: count.default(32)
          .describe('Connections open at once from one address, on the peer port.'),
        // 200 a second: a 1 GB/s download from one peer asks ~90 ranges a second at most (4 MiB
        // runs, two connections), while four flooding addresses at the 500 a second allowed before
        // kept the node busy enough to make the local user's calls 5× slower (npm run bench -- abuse).
        max_requests_per_address: limit.default(2_000)
          .describe('Requests one address may make per request_window on the peer port; 0 = no limit.'),
        request_window: interval.default(10_000)
          .describe('The window the per-address request limits count in.'),
        allowed_networks: networkList.default([])
          .describe('Only these networks (CIDR, IPv4 or IPv6, e.g. [192.168.1.0/24, fd00::/8]) may use the peer and index ports; empty = every network. The local user on loopback always may. Changeable live in Settings.'),
        blocked_networks: networkList.default([])
          .describe('These networks (CIDR) get 403 NETWORK_BLOCKED on the peer and index ports and are never listed or used as sources. Changeable live in Settings.'),
      })
      .prefault({}),

    dht: z
      .strictObject({
        enabled: boolean.default(false)
          .describe('Find and offer sources without an index server: announce the shared files on the BitTorrent DHT (which tells anyone on it which files this node shares) and look sources up there. Off by default; the Settings switch, once used, decides instead (docs/downloads.md).'),
        port: port.default(0)
          .describe('The DHT\'s UDP port; 0 = any free port.'),
        bootstrap: addressList.default([])
          .describe('A private DHT: the nodes ("host:port") to join through; then no public bootstrap node is ever contacted. Empty = the public BitTorrent DHT.'),
        max_announced: limit.max(100_000, { error: 'expected at most 100000' }).default(1000)
          .describe('Files announced at most, up to 100000 (each is announced again every 15 minutes, one at a time); 0 = announce none, only look sources up.'),
        peers_per_lookup: count.max(200, { error: 'expected at most 200' }).default(20)
          .describe('Sources one DHT lookup keeps at most (each is checked before it is used).'),
      })
      .prefault({}),

    logging: z
      .strictObject({
        level: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info')
          .describe('How much to log (`-v` or DEBUG=true: debug).'),
        format: z.enum(['json', 'pretty'], { error: 'expected json or pretty' }).default('json')
          .describe('JSON lines (for log shippers) or pretty, human-readable lines.'),
        output: nonEmpty('stdout, stderr or a file path').default('stdout')
          .describe('"stdout", "stderr", or a file path.'),
      })
      .prefault({}),
  });
}

export type ConfigSchema = ReturnType<typeof createConfigSchema>;

/** A complete, validated configuration: every key present, durations in ms, sizes in bytes. */
export type NodeConfig = z.infer<ConfigSchema>;
