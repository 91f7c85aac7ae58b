// What the full-text table (index_fts) holds for a file, and the FTS5 conditions search builds
// from filters. Besides the words of its names, tags and folders, a row carries `meta` tokens
// (category `c…`, extension `e…`, tag `t…`, size class `s…`): FTS5 intersects doclists far faster
// than search could check rows one by one (see index-search.ts).
import { categories } from '../../../../src-shared/api/common.js';
import { extensionOf, nameSearchText } from '../name-tokens.js';
import { ftsString } from '../search-query-parser.js';
import type { FileText } from './file-text.js';

/** Matches every row (every file has a category token): the base of an exclusions-only query. */
export const ALL_ROWS = `meta : (${categories.map((c) => ftsString(`c${c}`)).join(' OR ')})`;

/** The index key of a file id: its first 52 bits (13 hex digits), a safe integer. */
export function fileKey(fileId: string): number {
  return parseInt(fileId.slice(0, 13), 16) || 0;
}

/** A tag as one `meta` token: letters and digits only (`sci-fi` = `sci fi` = `scifi`; `c++` ≠ `c#`). */
export function tagToken(tag: string): string | undefined {
  const core = tag.toLowerCase().replace(/\+/g, 'plus').replace(/#/g, 'sharp').replace(/[^\p{L}\p{N}]/gu, '');
  return core ? `t${core}` : undefined;
}

/** Sizes are also `meta` tokens by order of magnitude: `s0` under 10 bytes … `s9` from 1 GB to 10 GB. */
const SIZE_CLASSES = 16;
function sizeClass(size: number): number {
  return Math.min(SIZE_CLASSES - 1, String(Math.max(0, Math.floor(size))).length - 1);
}
function sizeToken(size: number): string {
  return `s${sizeClass(size)}`;
}

/**
 * The size classes a size range covers, as an FTS5 condition (undefined: all of them). Rows of
 * the edge classes are still checked against the exact bounds; the others never fail them, so a
 * broad text query with a narrow size range reads few rows it then drops.
 */
export function sizeCondition(minSize: number | undefined, maxSize: number | undefined): string | undefined {
  const lo = minSize === undefined ? 0 : sizeClass(minSize);
  const hi = maxSize === undefined ? SIZE_CLASSES - 1 : sizeClass(maxSize);
  if (lo === 0 && hi === SIZE_CLASSES - 1) return undefined;
  const tokens: string[] = [];
  for (let c = lo; c <= hi; c++) tokens.push(ftsString(`s${c}`));
  return tokens.length === 1 ? `meta : ${tokens[0]}` : `meta : (${tokens.join(' OR ')})`;
}

/**
 * The full-text row of a file. The automatic tags that repeat its category or an extension stay
 * out of the searchable `tags` text (they are `meta` tokens for the filters): as words they would
 * give `video`, `image` or `jpg` hundreds of thousands of hits that rank nothing.
 */
export function ftsRow(category: string, size: number, { names, tags, folders }: FileText): { name: string; tags: string; meta: string } {
  const meta = new Set<string>([`c${category}`, sizeToken(size)]);
  const plain = new Set<string>([category]);
  for (const name of names) {
    const ext = extensionOf(name);
    if (ext) {
      meta.add(`e${ext}`);
      plain.add(ext);
    }
  }
  for (const tag of tags) {
    const token = tagToken(tag);
    if (token) meta.add(token);
  }
  return {
    name: names.map(nameSearchText).join(' ; '),
    // Folders go with the tags: context words, which quickRelevance does not rank like the name.
    tags: [...tags.filter((t) => !plain.has(t)), ...folders.map(nameSearchText)].join(' ; '),
    meta: [...meta].join(' '),
  };
}

const categoryWords = new Set<string>(categories);

/**
 * The chips a file shows (its category, its extension) match as words too: `audio` finds every
 * audio file through its `meta` token, as the category filter does, without putting `audio` into
 * the text of hundreds of thousands of rows. The word must be the whole chip (`aud` is not
 * `audio`); a word still being typed counts, or `audio` would find nothing until a space.
 */
export function chipAlternative(term: { text: string; phrase: boolean }): string | undefined {
  if (term.phrase) return undefined;
  const word = term.text.toLowerCase();
  if (categoryWords.has(word)) return `meta : ${ftsString(`c${word}`)}`;
  if (/^[a-z0-9]{1,16}$/.test(word) && /[a-z]/.test(word)) return `meta : ${ftsString(`e${word}`)}`;
  return undefined;
}
