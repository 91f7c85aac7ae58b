// Every failed call reaches the UI as one ApiError: the node's catalogue code and its message for
// people, or a client-side code (src-shared/errors.ts, `clientErrorCodes`) when the node did not
// answer at all or answered something this app cannot read.
import { z } from 'zod';
import { wireErrorCode, type ClientErrorCode, type ErrorCode } from '../../src-shared/errors.js';

export type ApiErrorCode = ErrorCode | ClientErrorCode;

export class ApiError extends Error {
  /** `status` is the HTTP status (or the one the IPC answer carries); 0 when there was no answer. */
  constructor(readonly code: ApiErrorCode, message: string, readonly status = 0) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The catalogue's `{error: {code, message}}`; a code it lacks is kept as UNKNOWN_CODE, with the node's message. */
const errorBodySchema = z.object({
  error: z.object({ code: z.string().transform(wireErrorCode), message: z.string() }),
});

/** Reads `{error: {code, message}}` from a failed answer; anything else is HTTP_ERROR with the status. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) return new ApiError(parsed.data.error.code, parsed.data.error.message, status);
  return new ApiError('HTTP_ERROR', `The node answered ${status}.`, status);
}
