// The batch routes (src-shared/api/batch-routes.ts): each item goes through the same call as its
// one-at-a-time route, and a failing item is reported, never the end of the batch.
import type { Logger } from 'pino';
import type { batchRoutes } from '../../../src-shared/api/batch-routes.js';
import { MAX_BATCH_ITEMS, type BatchItem, type DownloadBatchItem } from '../../../src-shared/api/batch.js';
import { filterWords } from '../../../src-shared/api/library-query.js';
import type { DownloadView } from '../../../src-shared/api/transfers.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { DownloadManager } from '../downloads/download-manager.js';
import { inTurns } from '../in-turns.js';
import type { Library } from '../library/library.js';
import type { CallHandlers } from './call-input.js';
import { errorAnswer } from './error-answer.js';

type Routes = typeof batchRoutes;
export type BatchHandlers = CallHandlers<Routes>;

/** A file keeps at most this many tags of its own (as PUT /files/{id}/tags allows). */
const MAX_USER_TAGS = 32;
/** Starts ask the network for each file: a few at a time, so 1,000 do not open 1,000 requests at once. */
const START_CONCURRENCY = 16;

export function batchHandlers(deps: { library: Library; downloads: DownloadManager; logger: Pick<Logger, 'error'> }): BatchHandlers {
  const { library, downloads, logger } = deps;
  // An item's failure by its catalogue code; anything else is a bug of ours, logged and said without details.
  const failed = (id: string, err: unknown): BatchItem => {
    const error = errorAnswer(err, logger, { batchItem: id });
    return { id, ok: false, error: { code: error.code, message: error.message } };
  };
  const finished = (d: DownloadView) => d.state === 'completed' || d.state === 'cancelled' || d.state === 'failed';
  return {
    listFileIds: ({ query }) => {
      const { q, sort, order, category, ext, tag } = query;
      const { items, total } = library.query({ offset: 0, limit: MAX_BATCH_ITEMS, sort, order, category, ext, tag, words: filterWords(q) }, false, 'local');
      return { ids: items.map((f) => f.id), total };
    },
    unshareFiles: ({ body }) => summary(unique(body.ids).map((id) => {
      // The paths each file left: what an Undo shares again (POST /files/reshare).
      let removedPaths: string[] = [];
      const item = attempt(id, () => (removedPaths = library.unshare(id).removedPaths));
      return item.ok ? { ...item, removedPaths } : item;
    })),
    tagFiles: ({ body }) => {
      const removed = new Set(body.remove);
      return summary(unique(body.ids).map((id) => attempt(id, () => {
        const current = library.get(id, true, 'local').userTags;
        const tags = [...new Set([...current, ...body.add])].filter((t) => !removed.has(t));
        if (tags.length > MAX_USER_TAGS) throw new ShoalError('VALIDATION_FAILED', `A file has at most ${MAX_USER_TAGS} tags of its own.`);
        library.setUserTags(id, tags);
      })));
    },
    startDownloads: async ({ body }) => {
      const files = uniqueBy(body.files, (f) => f.fileId);
      return summary(await inTurns(files, START_CONCURRENCY, (f) => attemptDownload(f.fileId, () => downloads.start(f))));
    },
    pauseDownloads: async ({ body }) => summary(await Promise.all(unique(body.ids).map((id) => attemptDownload(id, () => downloads.pause(id))))),
    resumeDownloads: ({ body }) => summary(unique(body.ids).map((id) => attemptDownloadNow(id, () => downloads.resume(id)))),
    cancelDownloads: async ({ body }) =>
      summary(await Promise.all(unique(body.ids).map((id) => attemptDownload(id, async () => {
        // Cancel never drops a row: a finished download stays in the history (Clear does that).
        const { state } = downloads.get(id);
        if (state === 'completed' || state === 'cancelled') throw new ShoalError('DOWNLOAD_FINISHED');
        return downloads.remove(id);
      })))),
    clearDownloads: async ({ body }) =>
      summary(await Promise.all(unique(body.ids).map((id) => attemptDownload(id, async () => {
        if (!finished(downloads.get(id))) throw new ShoalError('DOWNLOAD_NOT_FINISHED', 'This download is still going: cancel it first.');
        await downloads.remove(id);
        return undefined;
      })))),
  };

  function attempt(id: string, act: () => unknown): BatchItem {
    try {
      act();
      return { id, ok: true };
    } catch (err) {
      return failed(id, err);
    }
  }

  async function attemptDownload(id: string, act: () => Promise<DownloadView | undefined>): Promise<DownloadBatchItem> {
    try {
      const download = await act();
      return download ? { id, ok: true, download } : { id, ok: true };
    } catch (err) {
      return failed(id, err);
    }
  }

  function attemptDownloadNow(id: string, act: () => DownloadView): DownloadBatchItem {
    try {
      return { id, ok: true, download: act() };
    } catch (err) {
      return failed(id, err);
    }
  }
}


function summary<T extends BatchItem>(results: T[]): { results: T[]; succeeded: number; failed: number } {
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

/** An id named twice is acted on once (the second would only fail: already unshared, already cancelled). */
const unique = (ids: string[]) => [...new Set(ids)];

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}
