// errorAnswer: the one mapping every transport answers failures with (HTTP, the heartbeat fast
// path, Electron's IPC). Logged through a real pino logger into memory, to read what it wrote.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorAnswer } from '../../src-main/core/api/error-answer.js';
import { errorCatalogue, ShoalError } from '../../src-shared/errors.js';
import { memoryLogger } from '../support/memory-logger.js';


describe('errorAnswer', () => {
  it('answers a ShoalError as it is, unlogged', () => {
    const { logger, lines } = memoryLogger();
    const thrown = new ShoalError('DOWNLOAD_NOT_FOUND', 'No download has the id x.', { id: 'x' });
    const answer = errorAnswer(thrown, logger);
    expect(answer).toBe(thrown);
    expect(answer.toBody()).toEqual({ error: { code: 'DOWNLOAD_NOT_FOUND', message: 'No download has the id x.', details: { id: 'x' } } });
    expect(answer.status).toBe(404);
    expect(lines).toEqual([]);
  });

  it('answers a zod error as VALIDATION_FAILED, naming each issue', () => {
    const { logger, lines } = memoryLogger();
    const failed = z.strictObject({ page: z.number().int().min(1) }).safeParse({ page: 0 });
    expect(failed.success).toBe(false);
    const answer = errorAnswer(failed.error, logger);
    expect(answer.code).toBe('VALIDATION_FAILED');
    expect(answer.status).toBe(400);
    expect(answer.message).toMatch(/^page: /);
    expect(answer.details).toEqual([{ path: 'page', message: expect.any(String) as string }]);
    expect(lines).toEqual([]);
  });

  it('maps what the HTTP parsers throw to the client\u2019s fault', () => {
    const { logger, lines } = memoryLogger();
    expect(errorAnswer(new URIError('URI malformed'), logger).code).toBe('MALFORMED_URL');
    const parserError = (type: string) => Object.assign(new Error(type), { type });
    expect(errorAnswer(parserError('entity.parse.failed'), logger).code).toBe('MALFORMED_JSON');
    expect(errorAnswer(parserError('entity.too.large'), logger).code).toBe('BODY_TOO_LARGE');
    expect(errorAnswer(parserError('charset.unsupported'), logger).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(lines).toEqual([]);
  });

  it('answers anything else as INTERNAL, logged with its context, nothing of it in the answer', () => {
    const { logger, lines } = memoryLogger();
    const bug = new TypeError('Cannot read properties of undefined (reading \u2018secret\u2019) at /home/me/shoal');
    const answer = errorAnswer(bug, logger, { channel: 'shoal:node:getInfo' });
    expect(answer.code).toBe('INTERNAL');
    expect(answer.status).toBe(500);
    expect(answer.toBody()).toEqual({ error: { code: 'INTERNAL', message: errorCatalogue.INTERNAL.message } });
    expect(JSON.stringify(answer.toBody())).not.toMatch(/secret|\/home|TypeError|at /);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'unexpected error while answering', channel: 'shoal:node:getInfo' });
    expect((lines[0]?.err as { message: string; stack: string }).message).toBe(bug.message);
    expect((lines[0]?.err as { stack: string }).stack).toContain('TypeError');
  });

  it('answers a thrown non-Error as INTERNAL too', () => {
    const { logger, lines } = memoryLogger();
    expect(errorAnswer('a string', logger).code).toBe('INTERNAL');
    expect(errorAnswer(undefined, logger).code).toBe('INTERNAL');
    expect(lines).toHaveLength(2);
  });
});
