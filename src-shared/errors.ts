// The one error catalogue: every error a node answers has a stable code from here.
// Clients match on `code`; `message` is for people and may change.

export const errorCatalogue = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  MALFORMED_URL: { status: 400, message: 'The address has a malformed percent-escape.' },
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the expected shape.' },
  INVALID_FILE_ID: { status: 400, message: 'A file id is 64 lowercase hex characters (the root of the content\'s hash tree).' },
  INVALID_NETWORK: { status: 400, message: 'A network is written like 192.168.1.0/24 or fd00::/8, or as one address.' },
  INVALID_PATH: { status: 400, message: 'The path is not an absolute, normalised path.' },
  NOT_A_FILE: { status: 400, message: 'The path is neither a regular file nor a folder.' },
  UNAUTHORIZED: { status: 401, message: 'This endpoint needs the node\u2019s control token.' },
  FORBIDDEN_REMOTE: { status: 403, message: 'This endpoint answers only the local user (loopback).' },
  HOST_NOT_ALLOWED: { status: 403, message: 'The Host header does not name this node (see peer.allowed_hosts).' },
  PLAIN_HTTP_REFUSED: { status: 403, message: 'This node accepts other nodes and strangers only over TLS (its security.allow_plain_http is off); connect with https, or as the local user.' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'Only pages this node serves may open its WebSocket.' },
  NETWORK_BLOCKED: { status: 403, message: 'This node does not accept requests from your network (its security.allowed_networks / blocked_networks).' },
  DEVICE_BLOCKED: { status: 403, message: 'This node has blocked your device.' },
  NOT_A_FEDERATION_MEMBER: { status: 403, message: 'Only an index server of this one\u2019s federation, its node id proved over TLS, may copy its peers.' },
  PATH_OUTSIDE_LIBRARY: { status: 403, message: 'The path leads outside the shared folders.' },
  PATH_NOT_SHAREABLE: { status: 403, message: 'This path cannot be shared (it holds the node\u2019s own data).' },
  CHALLENGE_INVALID: { status: 401, message: 'The registration\u2019s challenge is unknown, expired or already used; ask for a new one.' },
  SIGNATURE_INVALID: { status: 401, message: 'The signature does not match the node id (a registration is signed by the key the id names).' },
  SESSION_INVALID: { status: 401, message: 'The peer\u2019s session token is missing or wrong; register again.' },
  NOT_FOUND: { status: 404, message: 'There is nothing at this address.' },
  PEER_UNKNOWN: { status: 404, message: 'This index does not know the peer; register again with the full file list.' },
  FILE_NOT_FOUND: { status: 404, message: 'No shared file has this id.' },
  PATH_NOT_FOUND: { status: 404, message: 'Nothing exists at this path.' },
  NOT_UNSHARED: { status: 404, message: 'No file unshared at this path is remembered (GET /api/v1/library/unshared lists them).' },
  FILE_CHANGED: { status: 409, message: 'The file changed on disk since it was hashed; it is being hashed again.' },
  ADDRESS_UNREACHABLE: { status: 422, message: 'The index server could not reach this node at the address it registered; check the port is open to the network.' },
  PORT_IN_USE: { status: 409, message: 'The port is already in use by another program.' },
  FILE_TOO_LARGE: { status: 413, message: 'The file is larger than this node\u2019s max_file_size.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request\u2019s address or headers are too long (16 KiB at most).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  ROOT_NOT_FOUND: { status: 404, message: 'Nothing is shared at this path: give the shared folder or a path shared by hand (GET /api/v1/library/roots).' },
  DOWNLOAD_NOT_FOUND: { status: 404, message: 'No download has this id.' },
  DOWNLOAD_FINISHED: { status: 409, message: 'This download has already finished.' },
  DOWNLOAD_NOT_FINISHED: { status: 409, message: 'This download has not finished yet: there is no whole file to save.' },
  DOWNLOADED_FILE_MISSING: { status: 404, message: 'The finished file is no longer where it was saved (moved or deleted).' },
  UPLOAD_QUOTA_EXCEEDED: { status: 429, message: 'You have fetched this peer\u2019s hourly quota; try again later (see Retry-After).' },
  RATE_LIMITED: { status: 429, message: 'Too many requests from your address; slow down (see Retry-After).' },
  TOO_MANY_CONNECTIONS: { status: 429, message: 'Too many connections from your address; close some and try again (see Retry-After).' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested range is outside the file.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The node cannot serve this right now.' },
  CONNECTIONS_FULL: { status: 503, message: 'This node has as many connections open as it allows; try again shortly (see Retry-After).' },
  UPLOADS_FULL: { status: 503, message: 'This peer is serving as many uploads as it allows; try again shortly (see Retry-After).' },
  DISK_FULL: { status: 507, message: 'There is not enough free disk space for this download.' },
  INDEX_FULL: { status: 503, message: 'This index server has reached its max_peers.' },
  TOO_MANY_PEERS: { status: 429, message: 'This index server keeps as many peers from your address as it allows (super_peer.max_peers_per_address).' },
  TOO_MANY_FILES: { status: 413, message: 'This index server lists at most super_peer.max_files_per_peer files of one peer.' },
  NO_SOURCE_ONLINE: { status: 503, message: 'No peer holding this file is online right now.' },
  NO_PIECE_LIST: { status: 502, message: 'No online source answered with a valid piece list for this file.' },
  PEER_IDENTITY_MISMATCH: { status: 502, message: 'The node at that address proved another node id than the one expected (someone in between, or another node there); nothing was sent to it.' },
  PROTOCOL_MISMATCH: { status: 409, message: 'The other node runs a Shoal of another protocol version; update both to the same release.' },
  CHECKSUM_NOT_READY: { status: 503, message: 'The sources of this file have not computed its SHA-256 yet (they do it while idle, after sharing). Try again in a minute.' },
  INDEX_SERVER_NOT_FOUND: { status: 404, message: 'This node knows no index server at this address.' },
  INDEX_SERVER_EXISTS: { status: 409, message: 'This index server is already in the list.' },
  INDEX_SERVER_NOT_REMOVABLE: { status: 409, message: 'Only index servers added by hand can be removed here.' },
  INDEX_SERVERS_FULL: { status: 409, message: 'Too many index servers added by hand; remove one first.' },
  INDEX_ID_CONFIGURED: { status: 409, message: 'This index server\u2019s node id is given in the node\u2019s configuration (host:port#NODEID); change it there.' },
  AMBIGUOUS_FILE_ID: { status: 409, message: 'More than one file id starts like this; give more of the id.' },
  NOT_AN_INDEX_SERVER: { status: 400, message: 'That is a peer, not an index server; give an index server\u2019s port (8080 by default).' },
  ALREADY_DOWNLOADED: { status: 409, message: 'This file is already downloaded here (--force downloads a second copy).' },
  INTERNAL: { status: 500, message: 'Something went wrong inside the node.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Whether a code read from another process or node is one of the catalogue's. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCatalogue, code);
}

/**
 * Codes only a client makes, about an answer it did not get or could not read: no node answers
 * them, so they stay out of `errorCatalogue` (which has a status for each) and out of OpenAPI.
 */
export const clientErrorCodes = {
  /** The node did not answer at all (stopped, or the line was cut). */
  UNREACHABLE: 'The node does not answer.',
  /** The node answered, but not in the shape the contract gives that route. */
  UNEXPECTED_ANSWER: 'The node\u2019s answer has an unexpected shape.',
  /** A failed answer without the catalogue's `{error: {code, message}}` body; its status says which. */
  HTTP_ERROR: 'The node answered with an error.',
  /** A failed answer whose code is not in this catalogue (a newer node's code, or junk). */
  UNKNOWN_CODE: 'The node answered with an error this app does not know.',
} as const satisfies Record<string, string>;

export type ClientErrorCode = keyof typeof clientErrorCodes;

/** A code read from the wire, as a client may hold it: the catalogue's own, or UNKNOWN_CODE. */
export function wireErrorCode(code: unknown): ErrorCode | 'UNKNOWN_CODE' {
  return isErrorCode(code) ? code : 'UNKNOWN_CODE';
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An error that knows its catalogue code; the HTTP layer turns it into a status and a body. */
export class ShoalError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'ShoalError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = details;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

// --- Download error codes ----------------------------------------------------------------------
// Why a download failed, or waits by itself: a download view's `error.code` (issue 12). Not HTTP
// answers, so no status; stored with the download, so a code is renamed only with a migration.
import { z } from 'zod';

export const downloadErrorCodeSchema = z.enum([
  'NOT_FOUND', // waiting: no index server or peer knows the file yet
  'NO_SOURCE', // waiting: no source of the file is online, or none answers
  'NO_PIECE_LIST', // waiting: no source sent a piece list that proves against the file id
  'FILE_TOO_LARGE', // failed: larger than this node's max_file_size
  'DISK_FULL', // failed: no room in the download folder, or on the data folder's disk (goes on by itself)
  'WRITE_FAILED', // failed: a file could not be written (permissions, I/O), or another error stopped the run
  'FILE_ID_CHANGED', // cancelled by migration 4: started under the ids before the hash tree
]);
export type DownloadErrorCode = z.infer<typeof downloadErrorCodeSchema>;
