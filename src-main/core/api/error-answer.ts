// What any transport answers when a call fails: the catalogue error it maps to, or INTERNAL for
// anything else, which is logged here and said without details (no message or stack of ours leaks).
// HTTP (express and the heartbeat fast path) and Electron's IPC all answer through this one function.
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { ShoalError } from '../../../src-shared/errors.js';

/** Maps body-parser's errors (bad JSON, too large, wrong type) and zod's to catalogue errors. */
function toShoalError(err: unknown): ShoalError | undefined {
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

/**
 * The catalogue error to answer for `err`. An error the catalogue does not know is a bug of ours:
 * it is logged with `context` (say which call; never a token) and answered as INTERNAL.
 */
export function errorAnswer(err: unknown, logger: Pick<Logger, 'error'>, context: Record<string, unknown> = {}): ShoalError {
  const known = toShoalError(err);
  if (known) return known;
  logger.error({ err, ...context }, 'unexpected error while answering');
  return new ShoalError('INTERNAL');
}
