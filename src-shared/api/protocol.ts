// The version of the node-to-node protocol. 2: file ids are BitTorrent v2 pieces roots and piece
// lists are a layer of that tree (1 was whole-file SHA-256 ids). Nodes of different versions
// cannot share files, so each says its version (`/api/v1/info`, registration) and a mismatch is
// refused with PROTOCOL_MISMATCH instead of files that never download.
import { z } from 'zod';

export const PROTOCOL_VERSION = 2;

/** Absent in what a node of protocol 1 sends. */
export const protocolVersionSchema = z.number().int().min(1).default(1).describe('node-to-node protocol version (2: tree-hash file ids)');
