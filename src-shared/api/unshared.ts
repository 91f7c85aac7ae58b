// Files the user stopped sharing (issue 16, item 15): the node remembers their paths, so Share can
// list them and share them again in one call (and undo an unshare at once).
import { z } from 'zod';
import { MAX_BATCH_ITEMS } from './batch.js';

const pathSchema = z.string().min(1).max(4096);

export const unsharedFileSchema = z.object({
  path: z.string().describe('where it is on this machine (the local user only)'),
  name: z.string(),
  unsharedAt: z.string().describe('ISO 8601'),
  present: z.boolean().describe('whether a file is still there (one moved or deleted since cannot be shared again)'),
  size: z.number().int().nonnegative().nullable().describe('its size on disk now, null when not present'),
});
export type UnsharedFile = z.infer<typeof unsharedFileSchema>;

export const reshareBatchSchema = z.strictObject({
  paths: z.array(pathSchema).min(1).max(MAX_BATCH_ITEMS).describe('paths listed by GET /api/v1/library/unshared'),
});

export const pathBatchResultSchema = z.object({
  results: z.array(z.object({
    path: z.string(),
    ok: z.boolean(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })).describe('one per distinct path, in the request\u2019s order'),
  succeeded: z.number().int(),
  failed: z.number().int(),
});
export type PathBatchResult = z.infer<typeof pathBatchResultSchema>;
