// Types for `bittorrent-dht` 11 (WebTorrent's BEP 5 DHT), which ships none: only what Shoal uses.
declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events';
  import type { Socket } from 'node:dgram';

  export interface DhtPeer { host: string; port: number }
  export interface DhtContact { id?: Uint8Array; host: string; port: number }

  export interface DhtOptions {
    /** Node id (20 bytes); random by default. */
    nodeId?: Uint8Array | string;
    /** "host:port" or {host, port} contacts to bootstrap from; false: none; absent: the public routers. */
    bootstrap?: false | (string | DhtPeer)[];
    /** Our own host, to store our own announces locally too; absent: not stored. */
    host?: string | false;
    /** Passed down to k-rpc-socket: the UDP socket to use (udp4). */
    socket?: Socket;
    /** k-rpc: queries in flight at once (default 16). */
    concurrency?: number;
    /** k-rpc-socket: how long a query waits for its answer, ms (default 2000). */
    timeout?: number;
    /** Peers stored for others (default 10,000). */
    maxPeers?: number;
    /** How long a stored peer is kept, ms (0: until it falls out). */
    maxAge?: number;
    maxTables?: number;
    maxValues?: number;
  }

  export default class DHT extends EventEmitter {
    constructor(options?: DhtOptions);
    readonly listening: boolean;
    readonly destroyed: boolean;
    readonly ready: boolean;
    readonly nodeId: Uint8Array;
    readonly nodes: { count(): number; toArray(): DhtContact[] };
    listen(port?: number, address?: string, onListening?: () => void): void;
    address(): { address: string; family: string; port: number };
    addNode(node: DhtContact): void;
    toJSON(): { nodes: DhtContact[]; values: unknown };
    /** Emits 'peer' (peer, infoHash, from) for every peer found; returns an abort function. */
    lookup(infoHash: Uint8Array | string, callback?: (err: Error | null, visitedNodes?: number) => void): () => void;
    announce(infoHash: Uint8Array | string, port: number, callback?: (err: Error | null) => void): void;
    destroy(callback?: () => void): void;
  }
}
