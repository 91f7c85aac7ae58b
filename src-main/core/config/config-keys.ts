// The settings the schema knows, as key paths with their own schemas: what the environment
// variables are derived from, and what a misspelt key is compared against.
import { z } from 'zod';
import type { ConfigSchema } from './config-schema.js';

export interface ConfigKey {
  /** ["peer", "port"], or ["data_directory"] for a top-level setting. */
  path: readonly string[];
  schema: z.ZodType;
  /** SHOAL_PEER_PORT, SHOAL_DATA_DIRECTORY, … */
  envName: string;
}

export function configKeys(schema: ConfigSchema): ConfigKey[] {
  return Object.entries(schema.shape).flatMap(([name, entry]): ConfigKey[] => {
    const section = sectionShape(entry);
    if (!section) return [key([name], entry)];
    return Object.entries(section).map(([leaf, leafSchema]) => key([name, leaf], leafSchema as z.ZodType));
  });
}

/** The keys allowed inside the object at `path` (the top level for []). */
export function keysAt(schema: ConfigSchema, path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(schema.shape);
  const entry = (schema.shape as Record<string, z.ZodType>)[String(path[0])];
  const section = path.length === 1 && entry ? sectionShape(entry) : undefined;
  return section ? Object.keys(section) : [];
}

function key(path: string[], schema: z.ZodType): ConfigKey {
  return { path, schema, envName: `SHOAL_${path.join('_').toUpperCase()}` };
}

function sectionShape(entry: z.ZodType): Record<string, unknown> | undefined {
  const inner = entry instanceof z.ZodPrefault ? entry.unwrap() : entry;
  return inner instanceof z.ZodObject ? inner.shape : undefined;
}
