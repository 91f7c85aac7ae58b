// How the local user filters and sorts the library (Share's list, its "select all").
import { z } from 'zod';
import { categorySchema, tagSchema } from './common.js';

export const listFilesFilterSchema = z.object({
  q: z.string().trim().max(200).optional().describe('words every listed file\u2019s name, folder or tags start with'),
  category: categorySchema.optional(),
  ext: z.string().trim().toLowerCase().regex(/^[a-z0-9]{1,16}$/).optional(),
  tag: tagSchema.optional(),
  sort: z.enum(['name', 'size', 'shared']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type ListFilesFilter = z.infer<typeof listFilesFilterSchema>;

/** The search words of a filter (at most 16), none for an empty box. */
export function filterWords(q: string | undefined): string[] | undefined {
  const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 16);
  return words.length > 0 ? words : undefined;
}
