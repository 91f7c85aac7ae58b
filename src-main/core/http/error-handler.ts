// Turns anything thrown while answering into `{error: {code, message}}` from the catalogue.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { ShoalError } from '../../../src-shared/errors.js';
import { redactUrl } from './redact-url.js';

/** Maps body-parser's errors (bad JSON, too large, wrong type) and zod's to catalogue errors. */
export function toShoalError(err: unknown): ShoalError | undefined {
  if (err instanceof ShoalError) return err;
  // The router and serve-static decode the path with decodeURIComponent: `%c0` is the client's fault.
  if (err instanceof URIError) return new ShoalError('MALFORMED_URL');
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return new ShoalError('VALIDATION_FAILED', summary, issues);
  }
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new ShoalError('MALFORMED_JSON');
  if (type === 'entity.too.large') return new ShoalError('BODY_TOO_LARGE');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new ShoalError('UNSUPPORTED_MEDIA_TYPE');
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = toShoalError(err);
    if (!known) logger.error({ err, method: req.method, url: redactUrl(req.originalUrl) }, 'unexpected error while answering');
    const error = known ?? new ShoalError('INTERNAL');
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
