import { describe, expect, it } from 'vitest';
import { clientErrorCodes, errorCatalogue, isErrorCode } from '../../src-shared/errors.js';
import { ApiError, errorFromBody } from './api-error.js';

describe('errorFromBody', () => {
  it('keeps the node\u2019s catalogue code and message, with the status', () => {
    const err = errorFromBody(404, { error: { code: 'DOWNLOAD_NOT_FOUND', message: errorCatalogue.DOWNLOAD_NOT_FOUND.message } });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'DOWNLOAD_NOT_FOUND', message: errorCatalogue.DOWNLOAD_NOT_FOUND.message, status: 404 });
  });

  it('names a code the catalogue lacks UNKNOWN_CODE, keeping the node\u2019s message for people', () => {
    expect(errorFromBody(409, { error: { code: 'SOMETHING_NEWER', message: 'A newer node says no.' } })).toMatchObject({
      code: 'UNKNOWN_CODE',
      message: 'A newer node says no.',
      status: 409,
    });
    // Not a trap for names every object has.
    expect(errorFromBody(400, { error: { code: 'toString', message: 'x' } }).code).toBe('UNKNOWN_CODE');
  });

  it('makes any other failed answer HTTP_ERROR, its status in the field and the message', () => {
    for (const body of [null, 'Bad Gateway', { error: 'nope' }, { error: { code: 42, message: 'x' } }, { error: { code: 'NOT_FOUND' } }]) {
      expect(errorFromBody(502, body)).toMatchObject({ code: 'HTTP_ERROR', message: 'The node answered 502.', status: 502 });
    }
  });
});

describe('client-side codes', () => {
  it('are none of the node\u2019s, so a code says who made it', () => {
    for (const code of Object.keys(clientErrorCodes)) expect(isErrorCode(code), code).toBe(false);
    expect(isErrorCode('INTERNAL')).toBe(true);
  });
});
