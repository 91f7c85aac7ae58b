// A file's text as the index keeps it: the names, tags and folders its sources give, each distinct
// and capped, so a popular file's row (and its full-text row) stays small.

/** Distinct names kept (and searchable) per file. */
export const MAX_NAMES_PER_FILE = 32;
/** Distinct folders kept (searchable, shown) per file. */
export const MAX_FOLDERS_PER_FILE = 8;
/** Distinct tags kept (and searchable) per file. */
export const MAX_TAGS_PER_FILE = 64;

export interface FileText { names: string[]; tags: string[]; folders: string[] }

/** Tags as the index keeps them: trimmed, lowercased, distinct, non-empty. */
export function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))];
}

/** The values of a JSON array still `present`, in their order, then new ones up to `max`. */
export function keepPresent(json: string, present: readonly string[], max: number): string[] {
  const there = new Set(present);
  const kept = (JSON.parse(json) as string[]).filter((v) => there.has(v));
  for (const v of there) if (!kept.includes(v) && kept.length < max) kept.push(v);
  return kept;
}

/** The first name in a names JSON array. */
export function firstName(namesJson: string): string {
  return (JSON.parse(namesJson) as string[])[0] ?? '';
}
