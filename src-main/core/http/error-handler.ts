// Turns anything thrown while answering into `{error: {code, message}}` from the catalogue.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ShoalError } from '../../../src-shared/errors.js';
import { errorAnswer } from '../api/error-answer.js';
import { redactUrl } from './redact-url.js';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const error = errorAnswer(err, logger, { method: req.method, url: redactUrl(req.originalUrl) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A download may have set its own type and headers before failing: the error is JSON.
    for (const header of ['Content-Disposition', 'ETag', 'Cache-Control', 'Accept-Ranges', 'Content-Type']) res.removeHeader(header);
    res.status(error.status).type('application/json').json(error.toBody());
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new ShoalError('NOT_FOUND'));
