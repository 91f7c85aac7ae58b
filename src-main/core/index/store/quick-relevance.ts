// How well a file's name matches a query's words, cheaply enough to rank thousands of hits: search
// ranks by this instead of FTS5's bm25 (see index-search.ts for why).

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** Lower case without diacritics, as the tokenizer folds text. */
export function fold(text: string): string {
  return isAscii(text) ? text.toLowerCase() : text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

function isWordChar(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (Number.isNaN(c)) return false;
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return /[\p{L}\p{N}]/u.test(text.charAt(at));
}

/** Letters and digits in a folded name. */
function letterCount(folded: string): number {
  let n = 0;
  for (let i = 0; i < folded.length; i++) if (isWordChar(folded, i)) n++;
  return n;
}

/**
 * A cheap relevance for ranking many hits without bm25 (whose document frequencies cost a pass
 * over every hit of every term), higher is better. Per query word found in the file's name (its
 * first name, the one results show):
 * +3 when it starts a word there (a camelCase hump counts), +1 more when it is the whole word;
 * +1 when found inside a word; nothing when it matched another name or a tag; +1 when it follows
 * the query's previous word with one separator between them (`love story`). Then +2 × the share
 * of the name the query words cover (short names that are mostly the query first), and
 * +0.5 × ln(1 + online sources).
 */
export function quickRelevance(words: readonly string[], name: string, sources: number): number {
  const folded = fold(name);
  const sameLength = folded.length === name.length;
  let score = 0;
  let covered = 0;
  let previousEnd = -2;
  for (const word of words) {
    const at = folded.indexOf(word);
    if (at < 0) {
      previousEnd = -2;
      continue;
    }
    covered += word.length;
    if (at === previousEnd + 1) score += 1; // right after the previous word, as typed
    previousEnd = at + word.length;
    const hump = sameLength && name.charCodeAt(at) !== folded.charCodeAt(at); // upper case: a camelCase word starts
    if (at > 0 && isWordChar(folded, at - 1) && !hump) {
      score += 1;
      continue;
    }
    score += isWordChar(folded, at + word.length) ? 3 : 4;
  }
  const letters = letterCount(folded);
  if (letters > 0) score += 2 * Math.min(1, covered / letters);
  return score + 0.5 * Math.log1p(sources);
}
