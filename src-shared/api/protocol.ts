// The version of the node-to-node protocol. 3: nodes are named by their Ed25519 keys and sign
// their registrations (2: file ids are BitTorrent v2 pieces roots and piece lists a layer of that
// tree; 1: whole-file SHA-256 ids). Nodes of different versions
// cannot share files, so each says its version (`/api/v1/info`, registration) and a mismatch is
// refused with PROTOCOL_MISMATCH instead of files that never download.
import { z } from 'zod';

export const PROTOCOL_VERSION = 3;

/** Absent in what a node of protocol 1 sends. */
export const protocolVersionSchema = z.number().int().min(1).default(1).describe('node-to-node protocol version (3: node keys; 2: tree-hash file ids)');
