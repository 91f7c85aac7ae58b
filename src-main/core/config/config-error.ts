// A configuration the node cannot start with. The message lists every problem, one per line, as
// "key.path: problem (source)", so the user can fix them all in one go.
import type { z } from 'zod';

export interface ConfigProblem {
  /** Dotted key path as written in config.yaml ("peer.port"), or a file/variable name. */
  key: string;
  problem: string;
  /** Where the value came from: a file path, an environment variable, a flag. */
  source?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

function formatProblem({ key, problem, source }: ConfigProblem): string {
  return `  ${key}: ${problem}${source ? ` (from ${source})` : ''}`;
}

/**
 * Turns zod issues into problems. `sourceOf` says where the value at a key path came from;
 * `valueAt` gives the offending input so the message can show it.
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  sourceOf: (path: readonly PropertyKey[]) => string | undefined,
  valueAt: (path: readonly PropertyKey[]) => unknown,
  knownKeys: (path: readonly PropertyKey[]) => readonly string[],
): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(issue.path);
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        const guess = closest(key, known);
        return {
          key: keyOf(path),
          problem: `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}`,
          source: sourceOf(path),
        };
      });
    }
    const value = valueAt(issue.path);
    const message = tidy(issue.message);
    const quoted = JSON.stringify(value);
    const shown = isShowable(value) && !message.includes(quoted) ? `, got ${quoted}` : '';
    return [{ key: keyOf(issue.path), problem: `${message}${shown}`, source: sourceOf(issue.path) }];
  });
}

export function keyOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** zod's built-in wording, shortened; the value itself is appended as "got …". */
function tidy(message: string): string {
  return message
    .replace(/^Invalid input: /, '')
    .replace(/^expected object\b/, 'expected a section of settings')
    .replace(/, received \w+$/, '');
}

function isShowable(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** The known key nearest to a misspelt one, if it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
