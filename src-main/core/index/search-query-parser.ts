// The search box's query language, turned into an SQLite FTS5 MATCH expression that user text
// can never break:
//
//   holiday video        both words (every term must match)
//   "holiday video"      the phrase (an unclosed quote runs to the end of the query)
//   -trailer  -"a b"     excluded
//   mkv OR avi           either; `a b OR c d` is a AND (b OR c) AND d
//   holid                the last word is a prefix while the user types (not after a space)
//
// Every word and phrase reaches FTS5 as a double-quoted string, so FTS5's own syntax (AND, NOT,
// NEAR, *, ^, :, parentheses, column names) is only ever text; the tokenizer then cuts it as it
// cut the names. Only an upper-case `OR` between two terms is an operator. Words with nothing
// the tokenizer keeps (`-`, `***`, `:)`) are dropped, since an empty phrase would match nothing.
import { hasTokenChars, queryVariants, wordsOf } from './name-tokens.js';

export interface QueryTerm {
  /** The word or phrase as typed (without quotes or the leading `-`). */
  text: string;
  phrase: boolean;
  /** Matches any token starting with the last token of `text`. */
  prefix: boolean;
}

export interface ParsedQuery {
  /** All groups must match; a group matches when any of its terms does (terms joined by OR). */
  required: QueryTerm[][];
  /** None of these may match. */
  excluded: QueryTerm[];
}

export interface ParseOptions {
  /**
   * Make the last word a prefix unless the query ends in whitespace (default true). A word or
   * an unclosed phrase at the very end qualifies; a closed phrase and an excluded word do not.
   */
  prefixLast?: boolean;
  /** A last word whose final token is shorter than this (in characters) stays exact (default 1). */
  minPrefixLength?: number;
  /** At most this many terms are kept, the rest ignored (default 24). */
  maxTerms?: number;
}

interface RawTerm {
  text: string;
  phrase: boolean;
  negated: boolean;
  closed: boolean;
  /** An unquoted upper-case OR. */
  or: boolean;
}

/** Cuts the input into words, phrases and OR operators. Never throws. */
function lex(input: string): RawTerm[] {
  const terms: RawTerm[] = [];
  const n = input.length;
  let i = 0;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);
  while (i < n) {
    while (i < n && isSpace(input[i])) i++;
    if (i >= n) break;
    let negated = false;
    if (input[i] === '-') {
      negated = true;
      i++;
      if (i >= n || isSpace(input[i])) continue; // a lone dash
    }
    if (input[i] === '"') {
      const end = input.indexOf('"', i + 1);
      const closed = end !== -1;
      const text = input.slice(i + 1, closed ? end : n);
      terms.push({ text, phrase: true, negated, closed, or: false });
      i = closed ? end + 1 : n;
      continue;
    }
    let j = i;
    while (j < n && !isSpace(input[j]) && input[j] !== '"') j++;
    const text = input.slice(i, j);
    terms.push({ text, phrase: false, negated, closed: true, or: !negated && text === 'OR' });
    i = j;
  }
  return terms;
}

function lastWordLength(text: string): number {
  const words = wordsOf(text);
  return [...(words[words.length - 1] ?? '')].length;
}

export function parseSearchQuery(input: string, options: ParseOptions = {}): ParsedQuery {
  const prefixLast = options.prefixLast ?? true;
  const minPrefix = options.minPrefixLength ?? 1;
  const maxTerms = options.maxTerms ?? 24;
  const raw = lex(input);
  const endsOpen = input.length > 0 && !/\s$/u.test(input);

  const required: QueryTerm[][] = [];
  const excluded: QueryTerm[] = [];
  let kept = 0;
  let previousPositive = false; // the item just before was a kept positive term
  let joinNext = false; // ... followed by an OR: the next positive term joins its group
  for (let k = 0; k < raw.length && kept < maxTerms; k++) {
    const t = raw[k] as RawTerm;
    if (t.or) {
      // An operator only between two positive terms; anywhere else it is ignored.
      const next = raw[k + 1];
      joinNext = previousPositive && next !== undefined && !next.negated && !next.or && hasTokenChars(next.text);
      previousPositive = false;
      continue;
    }
    if (!hasTokenChars(t.text)) {
      previousPositive = false;
      joinNext = false;
      continue;
    }
    const isLast = k === raw.length - 1;
    const prefix = prefixLast && isLast && endsOpen && !t.negated && (!t.phrase || !t.closed) && lastWordLength(t.text) >= minPrefix;
    const term: QueryTerm = { text: t.text, phrase: t.phrase, prefix };
    kept++;
    if (t.negated) {
      excluded.push(term);
    } else {
      const group = joinNext ? required[required.length - 1] : undefined;
      if (group) group.push(term);
      else required.push([term]);
    }
    previousPositive = !t.negated;
    joinNext = false;
  }
  return { required, excluded };
}

/** `text` as an FTS5 string: double quotes doubled, wrapped in double quotes. */
export function ftsString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Another way a term may match, as a whole FTS5 expression with its own column filter (undefined: none). */
export type TermAlternative = (term: QueryTerm) => string | undefined;

/** One term as FTS5: each way of cutting it (as typed, camelCase split) as a quoted phrase, ORed. */
function termExpression(term: QueryTerm): string | undefined {
  const variants = queryVariants(term.text).map((v) => `${ftsString(v)}${term.prefix ? ' *' : ''}`);
  if (variants.length === 0) return undefined;
  return variants.length === 1 ? (variants[0] as string) : `(${variants.join(' OR ')})`;
}

/**
 * A term within `columns`, or its alternative. FTS5 intersects nested column filters, so a term
 * with an alternative carries its own filter instead of sharing the query's.
 */
function scopedTerm(term: QueryTerm, columns: string | undefined, alternative: TermAlternative | undefined): string | undefined {
  const text = termExpression(term);
  const other = alternative?.(term);
  if (text === undefined || other === undefined) return text;
  return `(${columns ? `${columns} : ${text}` : text} OR ${other})`;
}

function anyOf(terms: QueryTerm[], columns?: string, alternative?: TermAlternative): string | undefined {
  const parts = [...new Set(terms.map((t) => scopedTerm(t, columns, alternative)).filter((e): e is string => e !== undefined))];
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`;
}

export interface FtsOptions {
  /** A column filter for the user's terms, e.g. `{name tags}`. */
  columns?: string;
  /** An expression every row matches: needed to express a query of exclusions only. */
  matchAll?: string;
}

/**
 * The two halves of a parsed query as FTS5: `positive` (every group, within `columns`) and
 * `negative` (any excluded term, within `columns`); either may be missing.
 */
export function toFtsParts(query: ParsedQuery, columns?: string, alternative?: TermAlternative): { positive?: string; negative?: string } {
  // With alternatives each term is scoped by itself (scopedTerm); otherwise once, around the whole.
  const scope = (e: string) => (columns && !alternative ? `${columns} : (${e})` : `(${e})`);
  const groups = query.required.map((g) => anyOf(g, columns, alternative)).filter((e): e is string => e !== undefined);
  const negative = anyOf(query.excluded, columns, alternative);
  return {
    ...(groups.length > 0 ? { positive: scope(groups.join(' AND ')) } : {}),
    ...(negative !== undefined ? { negative: scope(negative) } : {}),
  };
}

/**
 * The FTS5 MATCH expression of a parsed query, or undefined when it has no condition (an
 * empty query, or exclusions only with no `matchAll`).
 */
export function toFtsExpression(query: ParsedQuery, options: FtsOptions = {}): string | undefined {
  const { positive, negative } = toFtsParts(query, options.columns);
  const base = positive ?? (negative === undefined ? undefined : options.matchAll);
  if (base === undefined) return undefined;
  return negative === undefined ? base : `(${base} NOT ${negative})`;
}

/** parseSearchQuery + toFtsExpression. */
export function searchQueryToFts(input: string, options: ParseOptions & FtsOptions = {}): string | undefined {
  return toFtsExpression(parseSearchQuery(input, options), options);
}
