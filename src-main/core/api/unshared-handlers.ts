// The unshared files' routes (src-shared/api/unshared-routes.ts): a page of them, and sharing a
// list of them again, one result per path (a failing path is reported, never the end of the call).
import type { Logger } from 'pino';
import type { PathBatchResult } from '../../../src-shared/api/unshared.js';
import type { unsharedRoutes } from '../../../src-shared/api/unshared-routes.js';
import type { Library } from '../library/library.js';
import { listUnshared, shareAgain } from '../library/unshared-files.js';
import type { CallHandlers } from './call-input.js';
import { errorAnswer } from './error-answer.js';

type Routes = typeof unsharedRoutes;
export type UnsharedHandlers = CallHandlers<Routes>;

/** `logger`: where a path's unexpected failure is logged (it is answered INTERNAL). */
export function unsharedHandlers(library: Library, logger: Pick<Logger, 'error'>): UnsharedHandlers {
  return {
    listUnshared: async ({ query }) => {
      const { page, pageSize, q } = query;
      return { ...(await listUnshared(library, (page - 1) * pageSize, pageSize, q)), page, pageSize };
    },
    reshareFiles: async ({ body }) => {
      const results: PathBatchResult['results'] = [];
      // One after another: each share walks the store and the watcher, and order is the user's.
      for (const path of new Set(body.paths)) {
        try {
          await shareAgain(library, path);
          results.push({ path, ok: true });
        } catch (err) {
          const error = errorAnswer(err, logger, { reshare: path });
          results.push({ path, ok: false, error: { code: error.code, message: error.message } });
        }
      }
      const succeeded = results.filter((r) => r.ok).length;
      return { results, succeeded, failed: results.length - succeeded };
    },
  };
}
