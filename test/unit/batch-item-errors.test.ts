// A batch answers item by item: a catalogue error is that item's answer, and anything else is a
// bug of ours, answered INTERNAL without details and logged with the item, as a whole call's would
// be (errorAnswer), here into a real pino logger in memory. The library stands in for one that
// fails in ways a real one rarely does.
import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../src-shared/errors.js';
import { batchHandlers } from '../../src-main/core/api/batch-handlers.js';
import type { DownloadManager } from '../../src-main/core/downloads/download-manager.js';
import type { Library } from '../../src-main/core/library/library.js';
import { memoryLogger } from '../support/memory-logger.js';

const known = 'a'.repeat(64);
const unknown = 'b'.repeat(64);
const broken = 'c'.repeat(64);

describe('a batch item that fails', () => {
  it('answers its catalogue error, or INTERNAL with the cause logged and not said', () => {
    const { logger, lines: logged } = memoryLogger();
    const library = {
      unshare: (id: string) => {
        if (id === known) return { removedPaths: ['/home/ana/Shared/a.txt'] };
        if (id === unknown) throw new ShoalError('FILE_NOT_FOUND');
        throw new Error('disk on fire at /home/ana/secret');
      },
    } as unknown as Library;
    const handlers = batchHandlers({ library, downloads: {} as DownloadManager, logger });

    const answer = handlers.unshareFiles({ body: { ids: [known, unknown, broken] } } as never) as { results: { id: string; ok: boolean; error?: { code: string; message: string } }[]; succeeded: number; failed: number };
    expect(answer).toMatchObject({ succeeded: 1, failed: 2 });
    expect(answer.results.map((r) => [r.id, r.ok, r.error?.code])).toEqual([[known, true, undefined], [unknown, false, 'FILE_NOT_FOUND'], [broken, false, 'INTERNAL']]);
    expect(JSON.stringify(answer)).not.toContain('disk on fire');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, batchItem: broken, err: { message: 'disk on fire at /home/ana/secret' } });
  });
});
