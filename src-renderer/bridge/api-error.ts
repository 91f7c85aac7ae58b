// Every failed call reaches the UI as one ApiError: the node's catalogue code and its message for
// people, or UNREACHABLE when the node did not answer at all.
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status = 0) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads `{error: {code, message}}` from a failed answer; anything else becomes a plain message. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') return new ApiError(error.code, error.message, status);
  return new ApiError('HTTP_' + status, `The node answered ${status}.`, status);
}
