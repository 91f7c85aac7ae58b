// Batch operations (Share, Search, Transfers with several rows selected): one call per batch,
// its body validated as a whole (a bad one changes nothing), one result per item.
import { z } from 'zod';
import { fileIdSchema, tagSchema } from './common.js';
import { downloadIdSchema, downloadViewSchema, startDownloadSchema } from './transfers.js';

/** The most items one batch may name: "select all" of a large library still fits in one call. */
export const MAX_BATCH_ITEMS = 10_000;

/** A batch body of up to 10,000 ids is about 700 KB of JSON; the node's usual limit is 64 KB. */
export const BATCH_BODY_LIMIT = '1mb';

const idsOf = <T extends z.ZodType>(id: T) => z.array(id).min(1).max(MAX_BATCH_ITEMS);

export const fileBatchSchema = z.strictObject({ ids: idsOf(fileIdSchema) });

export const tagBatchSchema = z
  .strictObject({
    ids: idsOf(fileIdSchema),
    add: z.array(tagSchema).max(32).default([]).describe('tags every file gets (its own tags are kept)'),
    remove: z.array(tagSchema).max(32).default([]).describe('tags every file loses'),
  })
  .refine((b) => b.add.length + b.remove.length > 0, 'give tags to add or to remove');

export const downloadBatchSchema = z.strictObject({ ids: idsOf(downloadIdSchema) });

export const startDownloadsSchema = z.strictObject({
  files: z.array(startDownloadSchema).min(1).max(MAX_BATCH_ITEMS),
});

const itemError = z.object({ code: z.string(), message: z.string() });

/** One item's outcome: ok, or the catalogue code of why not (that item only; the others went on). */
export const batchItemSchema = z.object({
  id: z.string().describe('the file or download id the request named (a file id for starts)'),
  ok: z.boolean(),
  error: itemError.optional(),
});
export type BatchItem = z.infer<typeof batchItemSchema>;

export const batchResultSchema = z.object({
  results: z.array(batchItemSchema).describe('one per distinct id, in the request\u2019s order'),
  succeeded: z.number().int(),
  failed: z.number().int(),
});
export type BatchResult = z.infer<typeof batchResultSchema>;

/** An unshare's results name the paths each file left, so the user can undo it (POST /files/reshare). */
export const unshareBatchResultSchema = batchResultSchema.extend({
  results: z.array(batchItemSchema.extend({ removedPaths: z.array(z.string()).optional() })),
});
export type UnshareBatchResult = z.infer<typeof unshareBatchResultSchema>;

export const downloadBatchItemSchema = batchItemSchema.extend({
  download: downloadViewSchema.optional().describe('the download as it is now (absent when it failed, or was cleared)'),
});
export type DownloadBatchItem = z.infer<typeof downloadBatchItemSchema>;

export const downloadBatchResultSchema = z.object({
  results: z.array(downloadBatchItemSchema),
  succeeded: z.number().int(),
  failed: z.number().int(),
});
export type DownloadBatchResult = z.infer<typeof downloadBatchResultSchema>;
