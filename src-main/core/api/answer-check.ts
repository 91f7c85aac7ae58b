// Answers are part of the contract: in tests and development every answer a handler gives is
// checked against its route's response schema, so a handler that drifts from the contract fails
// loudly where we run it, never in users' hands (where the check is off and costs nothing).
import type { z } from 'zod';

/** The handler's answer did not match its route's response schema: a bug in the node, not the caller. */
export class AnswerMismatchError extends Error {
  constructor(readonly route: string, readonly issues: z.core.$ZodIssue[]) {
    super(`The answer of ${route} does not match its response schema: ${issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ')}`);
    this.name = 'AnswerMismatchError';
  }
}

/**
 * Whether answers are checked: on under the test runner (vitest sets SHOAL_CHECK_ANSWERS, and
 * the nodes tests spawn inherit it) and in development; off in a release, where a mismatch
 * would only turn a usable answer into an error.
 */
export function answersChecked(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['SHOAL_CHECK_ANSWERS'] === '1' || env['NODE_ENV'] === 'development';
}

/** Throws AnswerMismatchError when `answer` is not what `schema` declares; answers nothing new (the original is sent). */
export function checkAnswer(route: string, schema: z.ZodType | undefined, answer: unknown): void {
  if (!schema || answer === undefined) return;
  const parsed = schema.safeParse(answer);
  if (parsed.success) return;
  const error = new AnswerMismatchError(route, parsed.error.issues);
  // Said on stderr too: the caller sees only 500 INTERNAL, and tests' nodes often log nothing.
  process.stderr.write(`${error.message}\n`);
  throw error;
}
