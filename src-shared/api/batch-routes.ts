// Batch operations of the peer API (issue 16, item 14), spread into peerRoutes: one call acts on
// many files or downloads. All control routes; bodies may be larger than the node's usual 64 KB.
import { z } from 'zod';
import {
  BATCH_BODY_LIMIT,
  MAX_BATCH_ITEMS,
  batchResultSchema,
  downloadBatchResultSchema,
  downloadBatchSchema,
  fileBatchSchema,
  startDownloadsSchema,
  tagBatchSchema,
  unshareBatchResultSchema,
} from './batch.js';
import { fileIdSchema } from './common.js';
import type { RouteSpec } from './peer-routes.js';
import { listFilesFilterSchema } from './library-query.js';

export const batchRoutes = {
  listFileIds: {
    method: 'get', path: '/api/v1/library/file-ids', access: 'control',
    summary: `The ids of every shared file matching a filter (Share's "select all"), at most ${MAX_BATCH_ITEMS}`, // not toLocaleString: loading Intl at import costs every command ~30 ms
    query: listFilesFilterSchema,
    response: z.object({ ids: z.array(fileIdSchema), total: z.number().int().describe('how many match (more than ids when over the limit)') }),
  },
  unshareFiles: {
    method: 'post', path: '/api/v1/files/unshare', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Stop sharing several files at once (each: every location of its content)', body: fileBatchSchema, response: unshareBatchResultSchema,
  },
  tagFiles: {
    method: 'post', path: '/api/v1/files/tags', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Add tags to, or remove tags from, several files at once (their other tags are kept)', body: tagBatchSchema, response: batchResultSchema,
  },
  startDownloads: {
    method: 'post', path: '/api/v1/downloads/start', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Start several downloads at once (each as POST /api/v1/downloads)', body: startDownloadsSchema, response: downloadBatchResultSchema,
  },
  pauseDownloads: {
    method: 'post', path: '/api/v1/downloads/pause', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Pause several downloads (verified pieces are kept)', body: downloadBatchSchema, response: downloadBatchResultSchema,
  },
  resumeDownloads: {
    method: 'post', path: '/api/v1/downloads/resume', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Resume several paused or failed downloads', body: downloadBatchSchema, response: downloadBatchResultSchema,
  },
  cancelDownloads: {
    method: 'post', path: '/api/v1/downloads/cancel', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Cancel several unfinished downloads (their partial files are deleted; the rows stay, cancelled)',
    body: downloadBatchSchema, response: downloadBatchResultSchema,
  },
  clearDownloads: {
    method: 'post', path: '/api/v1/downloads/clear', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Remove several finished (completed, cancelled or failed) downloads from the list; completed files stay on disk',
    body: downloadBatchSchema, response: downloadBatchResultSchema,
  },
} as const satisfies Record<string, RouteSpec>;
