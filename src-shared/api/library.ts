// What a peer tells about the files it shares.
import { z } from 'zod';
import { categorySchema, fileIdSchema, sha256Schema, tagSchema } from './common.js';

export const sharedFileSchema = z.object({
  id: fileIdSchema,
  name: z.string().describe('the name of its first location'),
  names: z.array(z.string()).describe('every distinct name the content is shared under'),
  folder: z.string().optional().describe('the folder of its first location inside the shared folder (or the folder shared by hand), "/" between names; absent at the top'),
  size: z.number().int().nonnegative(),
  mime: z.string(),
  category: categorySchema,
  tags: z.array(z.string()).describe('automatic tags (extension, category) then the user\u2019s'),
  userTags: z.array(z.string()),
  pieceSize: z.number().int().positive(),
  pieceCount: z.number().int().nonnegative(),
  sharedAt: z.string().describe('ISO 8601 time it was first shared'),
  sha256: sha256Schema.nullable().describe('SHA-256 of the whole content (as sha256sum prints it), computed in the background while the node is idle; null until then'),
  paths: z.array(z.string()).optional().describe('local paths; only in answers to the local user'),
});
export type SharedFile = z.infer<typeof sharedFileSchema>;

export const piecesSchema = z.object({
  id: fileIdSchema,
  size: z.number().int().nonnegative(),
  pieceSize: z.number().int().positive(),
  pieces: z.array(z.string().regex(/^[0-9a-f]{64}$/)).describe('the piece layer of the file\'s hash tree (BEP 52), in order; for a file of one piece, its id'),
  sha256: sha256Schema.optional().describe('SHA-256 of the whole content, once this peer has computed it'),
});
export type Pieces = z.infer<typeof piecesSchema>;

export const hashingStatusSchema = z.object({
  queuedFiles: z.number().int(),
  activeFiles: z.number().int(),
  hashedFiles: z.number().int().describe('hash jobs finished since the node started'),
  failedFiles: z.number().int(),
  queuedBytes: z.number().int(),
  hashedBytes: z.number().int().describe('bytes hashed since the node started'),
  current: z.array(z.object({ path: z.string(), size: z.number().int(), hashedBytes: z.number().int() })),
  scanning: z.boolean().describe('true while the start-up rescan runs'),
});
export type HashingStatus = z.infer<typeof hashingStatusSchema>;

export const shareRequestSchema = z.object({
  path: z.string().min(1).max(4096).describe('absolute path of a file or folder on this machine'),
});

export const setTagsRequestSchema = z.object({
  tags: z.array(tagSchema).max(32),
});

export const shareResponseSchema = z.object({
  path: z.string(),
  kind: z.enum(['file', 'folder']),
  status: z.literal('queued').describe('files are hashed in the background; watch hashing events'),
});

export const unshareResponseSchema = z.object({
  id: fileIdSchema,
  removedPaths: z.array(z.string()),
});
