// The unshared files' routes (issue 16, item 15), spread into peerRoutes: list what the user
// unshared, share it again. Control routes: paths are the local user's business.
import { z } from 'zod';
import { BATCH_BODY_LIMIT } from './batch.js';
import { pageOf, pageQuery } from './common.js';
import type { RouteSpec } from './peer-routes.js';
import { pathBatchResultSchema, reshareBatchSchema, unsharedFileSchema } from './unshared.js';

/** Share's search box over the unshared list: text the path (folders and name) contains, any case of ASCII. */
const unsharedSearchSchema = z.string().trim().max(200).optional().transform((s) => s || undefined);

export const unsharedRoutes = {
  listUnshared: {
    method: 'get', path: '/api/v1/library/unshared', access: 'control',
    summary: 'Files the user stopped sharing, most recent first: a rescan or the watcher leaves them out until shared again',
    query: z.object({ ...pageQuery, q: unsharedSearchSchema }), response: pageOf(unsharedFileSchema),
  },
  reshareFiles: {
    method: 'post', path: '/api/v1/files/reshare', access: 'control', bodyLimit: BATCH_BODY_LIMIT,
    summary: 'Share unshared files again, by their paths (each is hashed again, then listed)', body: reshareBatchSchema, response: pathBatchResultSchema,
  },
} as const satisfies Record<string, RouteSpec>;
