// The composition root: the one place that builds a node's services and wires them together.
// Everything else receives its dependencies, so tests build real ones in a temporary folder.
import type { IncomingMessage } from 'node:http';
import { NodeDialer } from '../net/node-dialer.js';
import { NodeTls } from '../net/node-tls.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NodeInfo } from '../../../src-shared/api/node.js';
import type { NodeConfig } from '../config/config-schema.js';
import { DownloadManager } from '../downloads/download-manager.js';
import type { DownloadTiming } from '../downloads/download.js';
import { networkSourceFinder } from '../downloads/source-finder.js';
import { DhtService } from '../dht/dht-service.js';
import { dhtNetworkFile, dhtSourceFinder, withDhtFallback, type DhtFinderOptions } from '../dht/dht-source-finder.js';
import { EventBus } from '../events/event-bus.js';
import { throttle } from '../events/throttle.js';
import { HashPool } from '../hashing/hash-pool.js';
import { nativeHashFile } from '../hashing/leaf-hasher.js';
import { ThreadPoolHasher } from '../hashing/thread-pool-hasher.js';
import { HashThread } from '../hashing/hash-thread.js';
import { ChunkPool } from '../http/chunk-pool.js';
import { AllowedHosts } from '../http/allowed-hosts.js';
import { ControlAccess } from '../http/control-access.js';
import { indexServingLimits, peerServingLimits } from './serving-limits.js';
import { AddressReceipts } from '../index/address-receipts.js';
import { IndexRole } from '../index/index-role.js';
import { createFederation } from '../index/federation/setup.js';
import { AddedFederation } from '../index/federation/added-federation.js';
import { AddedIndexServers } from '../index-client/added-index-servers.js';
import { IndexPins } from '../net/index-pins.js';
import { canonicalHostPort, givenIndexIds, splitIndexAddress } from '../../../src-shared/api/index-address.js';
import { IndexClient, type IndexCandidate } from '../index-client/index-client.js';
import { createOwnIndexListing, isOwnIndexAddress, ownIndexAddress, withOwnIndex } from '../index-client/own-index-listing.js';
import { searchOrder } from '../index-client/search-order.js';
import { mdnsLanDiscovery, noLanDiscovery, type IndexBrowsing } from '../index-client/lan-discovery.js';
import { nodeApiHandlers, type NodeApiHandlers } from '../api/node-api-handlers.js';
import type { PeerHandlerDeps } from '../http/peer-handlers.js';
import { networkFile, networkTopology, searchNetwork } from '../index-client/index-proxy.js';
import { startPeerServer } from '../http/peer-server.js';
import { UploadTracker } from '../transfers/upload-tracker.js';
import { ContentSha256 } from '../library/content-sha256.js';
import { Library } from '../library/library.js';
import type { SharedFile } from '../../../src-shared/api/library.js';
import { neverSharedPaths } from '../library/never-shared.js';
import { openDatabase } from '../store/database.js';
import { diskIsFull } from '../store/disk-full.js';
import { LibraryStore } from '../store/library-store.js';
import { NodeState } from '../store/node-state.js';
import { RateLimiter } from '../transfers/rate-limiter.js';
import { TransferSettingsService } from '../transfers/transfer-settings.js';
import { loadOrCreateControlToken } from './control-token.js';
import { createAccessControl } from '../access/access-control.js';
import { loadOrCreateNodeKey } from '../identity/node-key.js';
import { DisplayName } from '../identity/display-name.js';
import { statement } from '../identity/signed-statement.js';
import { readPackageVersion } from './package-version.js';
import { startStatsReporter } from './stats-reporter.js';
import { runShutdown, type ShutdownStep } from './shutdown-sequence.js';
import { PROTOCOL_VERSION } from '../../../src-shared/api/protocol.js';

export interface NodeOptions {
  config: NodeConfig;
  logger: Logger;
  /** Files hashed at once (threads of either kind); default: one per core. */
  hashWorkers?: number;
  /** How long a file must be unchanged before it is hashed; tests shorten it. */
  writeSettleMs?: number;
  /** Download timers (stall, retry, refresh, checkpoint); tests shorten them. */
  downloadTiming?: Partial<DownloadTiming>;
}

export interface RunningNode {
  id: string;
  port: number;
  /** The peer API's base address on loopback. */
  url: string;
  /** The local UI address with the token in it, Jupyter-style. */
  controlUrl: string;
  token: string;
  library: Library;
  bus: EventBus;
  indexRole: IndexRole;
  indexClient: IndexClient;
  downloads: DownloadManager;
  /** Sources without an index server (the BitTorrent DHT), off unless switched on. */
  dht: DhtService;
  /** The node API without HTTP, for the desktop shell's IPC (the same handlers the peer port runs). */
  nodeApi: NodeApiHandlers;
  stop(): Promise<void>;
}

export async function startNode({ config, logger, hashWorkers, writeSettleMs, downloadTiming }: NodeOptions): Promise<RunningNode> {
  const startedAt = Date.now();
  const dataDirectory = config.data_directory;
  await mkdir(dataDirectory, { recursive: true, mode: 0o700 });
  const token = await loadOrCreateControlToken(dataDirectory);
  // A full disk is not a reason to stay down: the node serves its library; saves wait for room.
  if (await diskIsFull(dataDirectory)) {
    logger.warn({ data: dataDirectory }, 'the disk holding the data folder is full: Shoal starts read-only (it serves its library; downloads and changes wait until there is room)');
  }
  const db = openDatabase(join(dataDirectory, 'shoal.db'));
  const store = new LibraryStore(db);
  const key = await loadOrCreateNodeKey(dataDirectory);
  const id = key.id;
  // What the user changed in Settings, kept across restarts (store/node-state-keys.ts lists it all).
  const nodeState = new NodeState(db, logger.child({ service: 'node-state' }));
  const accessControl = createAccessControl({ config, db, state: nodeState, selfId: id });
  // TLS between nodes, authenticated by the node keys (net/node-tls.ts): both ports always accept
  // it; with security.enable_encryption this node calls others over it too, and never in plain.
  const nodeTls = await NodeTls.create(key);
  // Index servers are pinned to the id they prove first, kept across restarts, or to the id given
  // with a configured address (host:port#NODEID) from the first contact (net/index-pins.ts).
  const configuredIndexes = config.peer.super_peer_address.map(splitIndexAddress);
  const givenIds = givenIndexIds(config.peer.super_peer_address);
  const indexPins = new IndexPins({ state: nodeState, given: () => givenIds });
  const dialer = new NodeDialer(config.security.enable_encryption ? nodeTls : null, indexPins);
  // The name others see: the config's until the user sets one (Settings → "This device").
  const displayName = new DisplayName({ id, defaultName: config.peer.name, state: nodeState, onChange: () => {
    indexClient.identityChanged();
    ownIndexListing.identityChanged();
  } });

  // The log file too: it names private paths. (Electron's logs are in its data folder.)
  const logFile = ['stdout', 'stderr'].includes(config.logging.output) ? [] : [config.logging.output];
  const neverShared = await neverSharedPaths([dataDirectory, ...logFile]);
  const bus = new EventBus((err) => logger.error({ err }, 'an event listener failed'));
  const hashing = hashWorkers === undefined ? {} : { size: hashWorkers };
  // Shared files are hashed on libuv's threads where the native addon can, else in worker threads.
  const pool = nativeHashFile ? new ThreadPoolHasher(nativeHashFile, hashing) : new HashPool(hashing);
  const downloadLimiter = new RateLimiter(0);
  const uploadLimiter = new RateLimiter(0);
  const t = config.transfers;
  const transferSettings = new TransferSettingsService({
    defaults: {
      maxDownloadRate: t.max_download_rate, maxUploadRate: t.max_upload_rate, maxUploads: t.max_uploads,
      uploadQuotaPerPeer: t.upload_quota_per_peer, shareDownloads: t.share_downloads,
    },
    downloadDirectory: config.peer.download_directory, state: nodeState, downloadLimiter, uploadLimiter,
  });
  const publishUploads = throttle(() => bus.publish('uploads_update', uploads.list()), 1000);
  const uploads = new UploadTracker(() => ({ ...transferSettings.get(), maxUploadsPerPeer: t.max_uploads_per_peer }), publishUploads);
  const library = new Library({
    store, hasher: pool, hashConcurrency: pool.size, bus, logger: logger.child({ service: 'library' }),
    sharedDirectory: config.peer.shared_directory, neverShared,
    maxFileSize: config.peer.max_file_size, writeSettleMs,
  });
  const version = readPackageVersion();
  const reporter = startStatsReporter({ library, uploads, bus, startedAt });
  const hosts = new AllowedHosts([...config.peer.allowed_hosts, config.peer.host]);
  const access = new ControlAccess({ token, allowRemoteControl: config.peer.allow_remote_control, hosts });
  const tlsServing = { options: nodeTls.serverOptions, plain: { allowed: () => accessControl.networks.plainHttpAllowed(), isLocalUser: (req: IncomingMessage) => access.isLocalUpgrade(req) } };
  // Zero configuration: an index server advertises itself on the LAN; peers find it (mDNS).
  const discovery = config.peer.lan_discovery ? mdnsLanDiscovery({ logger: logger.child({ service: 'lan-discovery' }) }) : noLanDiscovery;
  let browsing: IndexBrowsing | undefined;
  const addedFederation = new AddedFederation({ state: nodeState, configured: config.super_peer.federation });
  const federation = createFederation({ selfId: id, config: config.super_peer, configured: () => addedFederation.addresses(), lan: () => browsing?.list() ?? [], ownPort: () => indexRole.status().port, sourceAllowed: accessControl.sourceAllowed, addressAllowed: (address) => accessControl.networks.allowsUrl(`http://${address}/`), deviceBlocked: (nodeId) => accessControl.devices.isBlocked(nodeId), dialer });
  // A peer that registered with this index or with a member of its federation is not called back again while its receipt is fresh.
  const receipts = new AddressReceipts({ indexId: id, sign: (text) => key.sign(text), trusts: (nodeId) => federation.members.isMember(nodeId) });
  const indexRole = new IndexRole({
    federation, tls: tlsServing, dialer, receipts,
    advertiser: { advertise: (info) => discovery.advertiseIndex(info) },
    db, state: nodeState, nodeId: id, port: config.super_peer.port, host: config.peer.host, access, limits: { ...indexServingLimits(config), gate: accessControl.gate }, indexAccess: accessControl.index, version,
    logger: logger.child({ service: 'index' }), name: () => displayName.get(),
    // The own listing registers with the index at once; the main client drops it from its list.
    onChange: () => {
      ownIndexListing.refresh();
      indexClient.refresh();
    },
    settings: {
      heartbeatIntervalMs: config.super_peer.heartbeat_interval, cleanupIntervalMs: config.super_peer.cleanup_interval, maxPeers: config.super_peer.max_peers,
      maxPeersPerAddress: config.super_peer.max_peers_per_address, maxRegistrationsPerAddress: config.super_peer.max_registrations_per_address,
      maxFilesPerPeer: config.super_peer.max_files_per_peer, maxFilesPerAddress: config.super_peer.max_files_per_address, reporterMaturityMs: config.super_peer.reporter_maturity, maxRequestBodyBytes: config.super_peer.max_request_body,
    },
  });
  let port = 0;
  const addedIndexServers = new AddedIndexServers({
    state: nodeState, known: () => candidates(), onChange: () => indexClient.candidatesChanged(),
    giveId: (address, nodeId) => indexPins.give(address, nodeId),
  });
  // Preference order: the config's, then those added by hand, then this node's own, then the LAN's.
  const candidates = (): IndexCandidate[] => {
    const list: IndexCandidate[] = configuredIndexes.map(({ address }) => ({ address, source: 'configured' }));
    const configured = new Set(list.map((c) => c.address));
    for (const address of addedIndexServers.list()) if (!configured.has(address)) list.push({ address, source: 'added' });
    const own = indexRole.status().port;
    if (own !== null) list.push({ address: `127.0.0.1:${own}`, source: 'self' });
    for (const found of browsing?.list() ?? []) {
      if (found.indexId !== indexRole.indexId && !list.some((c) => c.address === found.address)) list.push({ address: found.address, source: 'discovered' });
    }
    return list;
  };
  const listing = {
    identity: () => ({ key, name: displayName.get(), port: 0, version }),
    entries: () => library.indexEntries(), publicView: (file: SharedFile) => library.publicView(file), hiddenFromStrangers: (fileId: string) => library.hiddenFromStrangers(fileId), bus,
    load: () => ({ activeUploads: uploads.active, freeUploadSlots: uploads.freeSlots }),
    dialer,
  };
  // The main client keeps this node's place in the network; its own index has its own listing
  // (own-index-listing.ts), so the main client never registers there.
  const indexClient = new IndexClient({
    ...listing, logger: logger.child({ service: 'index-client' }),
    candidates: () => candidates().filter((c) => c.source !== 'self' && !isOwnIndexAddress(c.address, indexRole.status().port)),
    refusesIndex: (indexId) => indexId === id,
    identityOf: (address) => indexPins.view(address),
  });
  const ownIndexPort = () => (indexRole.status().state === 'on' ? indexRole.status().port : null);
  const ownIndexListing = createOwnIndexListing({ ...listing, logger: logger.child({ service: 'own-index-listing' }), ownPort: ownIndexPort });
  // The index this peer is registered with first: it is the one known to answer; one known not to answer last.
  const indexAddresses = () => {
    const unreachable = new Set(indexClient.status().servers.filter((s) => s.reachable === false).map((s) => s.address));
    return searchOrder([indexClient.registration?.server, ...candidates().map((c) => c.address)], unreachable);
  };
  // Sources without an index server: the DHT is asked when the index servers gave none (docs/downloads.md).
  const dht = new DhtService({
    config: config.dht, host: config.peer.host, state: nodeState, peerPort: () => port, logger: logger.child({ service: 'dht' }),
    sharedFileIds: () => (config.peer.share ? library.indexEntries().map((e) => e.id) : []),
  });
  const dhtFinder: DhtFinderOptions = { dht: () => dht.dht(), selfPeerId: id, peersPerLookup: dht.peersPerLookup, allows: accessControl.sourceAllowed, dialer };
  const finder = networkSourceFinder({ selfPeerId: id, indexAddresses, allows: accessControl.sourceAllowed, dialer });
  const sourceFinder = withDhtFallback(finder, dhtSourceFinder(dhtFinder));
  const hashThread = new HashThread();
  const downloads = new DownloadManager({
    db, dataDirectory, finder: sourceFinder, hashThread, limiter: downloadLimiter, bus, logger: logger.child({ service: 'downloads' }), selfId: id, dialer,
    settings: () => ({ downloadDirectory: config.peer.download_directory, shareDownloads: transferSettings.get().shareDownloads, maxFileSize: config.peer.max_file_size }),
    share: (path, hashes) => library.shareVerified(path, hashes),
    report: (r) => {
      // A device is recorded only by a key it proved (TLS pinned to it), never by the index's word.
      if (r.proven && r.outcome === 'verified' && r.bytes > 0) accessControl.devices.seen(r.sourcePeerId, { bytesReceived: r.bytes });
      const { proven: _proven, ...report } = r;
      void indexClient.reportTransfer(report).then((told) => told || ownIndexListing.reportTransfer(report));
    },
    timing: { stallMs: t.stall_timeout, ...downloadTiming }, maxActiveSources: t.max_sources_per_download,
  });
  const contentSha256 = new ContentSha256({
    store, hashThread, logger: logger.child({ service: 'content-sha256' }),
    busy: () => {
      const h = library.hashingStatus();
      return h.scanning || h.queuedFiles > 0 || h.activeFiles > 0 || downloads.anyRunning();
    },
  });
  bus.subscribe((event) => {
    if (event.type === 'library_file_updated') contentSha256.wake();
    if (event.type === 'library_file_updated') dht.libraryChanged();
  });
  const info = (): NodeInfo => {
    const counts = library.publicCounts(); // /info is public: files shared only with some devices are not counted
    const role = indexRole.status();
    return {
      id, name: displayName.get(), version, apiVersion: 'v1', protocol: PROTOCOL_VERSION, roles: role.state === 'on' ? ['peer', 'index'] : ['peer'], port,
      indexPort: role.port, startedAt: new Date(startedAt).toISOString(), fileCount: counts.files, totalBytes: counts.bytes,
    };
  };

  const apiDeps: PeerHandlerDeps = {
    logger, library, uploads, uploadLimiter, chunks: new ChunkPool(), uploadStallMs: t.upload_stall_timeout, downloads, transferSettings, info, stats: reporter.stats,
    identity: displayName,
    proveAddress: (challenge) => key.sign(statement('address', [challenge])),
    indexRole: { status: () => indexRole.status(), set: (enabled, port) => indexRole.set(enabled, port) },
    federation: { view: () => addedFederation.view(federation.members), set: (added) => addedFederation.set(added, federation.members) },
    indexConnection: () => withOwnIndex(indexClient.status(), ownIndexListing.status()),
    indexServers: {
      add: (address) => addedIndexServers.add(address),
      remove: (address) => addedIndexServers.remove(address),
      // "Trust the new identity": whoever answers there next is pinned; the client asks at once.
      forgetPin: (address) => {
        const key = canonicalHostPort(address); // the client's backoff is kept under this spelling too
        indexPins.forget(key);
        indexClient.retry(key);
      },
    },
    network: {
      search: (query) => searchNetwork(indexAddresses(), query, dialer),
      file: (fileId) => networkFile(indexAddresses(), fileId, dialer),
      topology: () => networkTopology(indexAddresses(), dialer, ownIndexAddress(ownIndexPort())),
    },
    dht: { view: () => dht.view(), set: (enabled) => dht.set(enabled), networkFile: (fileId) => dhtNetworkFile(dhtFinder, fileId) },
    devices: accessControl.devices,
    accessControl: { networks: accessControl.networks, devices: accessControl.devices },
    uploadTarget: config.peer.share ? { sharedDirectory: config.peer.shared_directory, maxFileSize: config.peer.max_file_size } : undefined,
  };

  let server: Awaited<ReturnType<typeof startPeerServer>> | undefined;
  // Stopping, in this order (shutdown-sequence.ts): no new work first, then the network, then
  // what writes, the workers and last the database.
  const shutdown: ShutdownStep[] = [
    { name: 'uploads', run: () => {
      publishUploads.cancel();
      uploads.close();
    } },
    { name: 'downloads', run: () => downloads.close() },
    { name: 'dht', run: () => dht.close() },
    { name: 'stats', run: () => reporter.stop() },
    { name: 'index client', run: () => Promise.all([indexClient.stop(), ownIndexListing.stop()]) },
    { name: 'lan browsing', run: () => browsing?.stop() },
    { name: 'index role', run: () => indexRole.close() },
    { name: 'node connections', run: () => dialer.close() },
    { name: 'peer server', run: () => server?.close() },
    { name: 'content sha256', run: () => contentSha256.close() },
    { name: 'library', run: () => library.close() },
    { name: 'hash pool', run: () => pool.close() },
    { name: 'hash thread', run: () => hashThread.close() },
    { name: 'devices', run: () => accessControl.devices.close() },
    { name: 'database', run: () => db.close() },
  ];
  const stopAll = () => runShutdown(shutdown, (step, err) => logger.error({ err, step }, 'a service did not stop cleanly'));
  try {
    server = await startPeerServer({ ...apiDeps, bus, logger, version, access, limits: { ...peerServingLimits(config), gate: accessControl.gate }, tls: tlsServing }, config.peer.port, config.peer.host);
    port = server.port;
    indexClient.setPort(port);
    ownIndexListing.setPort(port);
    // A role that cannot start (its port taken) is the role's lastError, shown in Settings: the
    // peer, the UI and the desktop app still start.
    if (config.super_peer.enabled || indexRole.persistedEnabled) await indexRole.set(true).catch(() => undefined);
    downloads.restore({ resume: true });
    await dht.start();
    if (config.peer.share) {
      await library.start();
      contentSha256.start();
      if (config.peer.auto_register) {
        browsing = discovery.browseIndexes(() => indexClient.candidatesChanged());
        indexClient.start();
        ownIndexListing.start();
      }
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  logger.info({ port, shared: config.peer.shared_directory, data: dataDirectory }, 'node started');

  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    id, port, url, token, library, bus, indexRole, indexClient, downloads, dht,
    nodeApi: nodeApiHandlers(apiDeps),
    controlUrl: `${url}/?token=${token}`,
    stop: () => {
      stopping ??= (async () => {
        await stopAll();
        logger.info('node stopped');
      })();
      return stopping;
    },
  };
}
