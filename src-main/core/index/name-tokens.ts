// The text the index puts into its full-text table for a file name, and the same word splitting
// for queries. SQLite's `unicode61` tokenizer already splits on every character that is not a
// letter or a digit (spaces, dots, dashes, underscores, brackets…) and folds case and diacritics;
// what it cannot do is split camelCase. So a name goes in as its words, camelCase humps split
// apart, followed by every compound word whole:
//
//   MyHolidayVideo_2024.mp4  →  "My Holiday Video 2024 mp4 MyHolidayVideo"
//
// which matches `holiday`, `video`, `2024`, `mp4`, `myholidayvideo`, the phrase "holiday video"
// and prefixes of each. A word is split where a lower-case letter meets an upper-case one
// (`myHoliday`), before the last capital of a capital run followed by lower case (`HTTPServer` →
// `HTTP Server`), and where a run of at least two letters meets a run of at least two digits
// (`Holiday2024` → `Holiday 2024`; `x264`, `mp3`, `S02E05` and `1080p` stay whole).

/** A run of the characters unicode61 keeps in tokens (letters, digits, private use) plus marks. */
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

/** The words of `text` as unicode61 would cut them (before case folding). */
export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Whether `text` holds at least one character the tokenizer keeps (else it yields no token). */
export function hasTokenChars(text: string): boolean {
  return TOKEN_CHAR.test(text);
}

/** Words with nothing to split: a capital at most at the start and no digits, or digits only. */
const SIMPLE_WORD = /^(?:\p{Lu}?[^\p{Lu}\p{Lt}\p{N}]*|\p{N}*)$/u;

/**
 * Where a compound word is cut: lower → upper (`myHoliday`), before the last capital of a run
 * followed by lower case (`HTTPServer`), and between two letters and two digits either way.
 * Marks (\p{M}) ride along with the letter before them.
 */
const CUT = new RegExp([
  /(?<=\p{Ll}\p{M}*)(?=[\p{Lu}\p{Lt}])/u.source,
  /(?<=[\p{Lu}\p{Lt}]\p{M}*)(?=[\p{Lu}\p{Lt}]\p{M}*\p{Ll})/u.source,
  /(?<=\p{L}\p{M}*\p{L}\p{M}*)(?=\p{N}\p{N})/u.source,
  /(?<=\p{N}\p{N})(?=\p{L}\p{M}*\p{L})/u.source,
].join('|'), 'u');

/** One word (no separators in it) cut at its camelCase humps and long letter/digit boundaries. */
export function splitCompound(word: string): string[] {
  if (SIMPLE_WORD.test(word)) return [word];
  return word.split(CUT);
}

/**
 * The full-text column text of one name: its words with compounds split, then each compound
 * whole (so both the parts and the compound match, and phrases over the parts work).
 */
export function nameSearchText(name: string): string {
  const parts: string[] = [];
  const compounds: string[] = [];
  for (const word of wordsOf(name)) {
    const split = splitCompound(word);
    parts.push(...split);
    if (split.length > 1) compounds.push(word);
  }
  return [...parts, ...compounds].join(' ');
}

/**
 * A query word's token sequences: as typed (what the tokenizer makes of it) and, when it has
 * camelCase humps, split the same way names are, e.g. `HolidayVideo` → ["HolidayVideo",
 * "Holiday Video"]. Matching either finds the name whichever way it was written.
 */
export function queryVariants(text: string): string[] {
  const words = wordsOf(text);
  if (words.length === 0) return [];
  const plain = words.join(' ');
  const split = words.flatMap(splitCompound).join(' ');
  return split === plain ? [plain] : [plain, split];
}

/** The extension of a name, lowercased, as the `ext` filter takes it; '' when none is usable. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  const ext = name.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,16}$/.test(ext) ? ext : '';
}
