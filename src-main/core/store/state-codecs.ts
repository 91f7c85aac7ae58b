// How a node_meta value is written as text, as zod codecs: text in, a typed value out (decode),
// and back (encode). A codec's output schema checks a value both ways, so what is written always
// reads back; the key table (node-state-keys.ts) picks one per key. The lists and field sets are
// lenient on read: a damaged or hand-edited entry is dropped, not the whole value.
import { z } from 'zod';

/** A text, stored as itself, or none (null), stored as ''. */
export function optionalText(schema: z.ZodType<string, string>) {
  return z.codec(z.string(), schema.nullable(), {
    decode: (text) => (text === '' ? null : text),
    encode: (value) => value ?? '',
  });
}

/** A switch stored as one of two words ('on' / 'off', '1' / '0'). */
export function flag(on: string, off: string) {
  return z.codec(z.string(), z.boolean(), {
    decode: (text, ctx) => {
      if (text === on || text === off) return text === on;
      ctx.issues.push({ code: 'custom', input: text, message: `expected "${on}" or "${off}"` });
      return z.NEVER;
    },
    encode: (value) => (value ? on : off),
  });
}

/** A whole number stored in decimal. */
export function integerText(min: number, max: number) {
  return z.codec(z.string().regex(/^\d{1,16}$/), z.number().int().min(min).max(max), {
    decode: (text) => Number(text),
    encode: (value) => String(value),
  });
}

/** A JSON list of strings, at most `max`; an entry `item` refuses is skipped, the others still read. */
export function jsonList(item: z.ZodType<string, string>, max: number) {
  return z.codec(z.string(), z.array(item).max(max), {
    decode: (text, ctx) => {
      const value = parseJson(text, ctx);
      if (value === z.NEVER) return z.NEVER;
      if (!Array.isArray(value)) return refuse(ctx, text, 'expected a JSON list');
      return value.flatMap((entry: unknown) => item.safeParse(entry).data ?? []).slice(0, max);
    },
    encode: (list) => JSON.stringify(list),
  });
}

/**
 * A JSON object holding some of `shape`'s fields (the ones the user changed: the config decides the
 * rest). A field its schema refuses, or one this release does not know, is dropped; the others read.
 */
export function jsonFields<S extends z.ZodRawShape>(shape: S) {
  const fields = z.object(shape).partial();
  return z.codec(z.string(), fields, {
    decode: (text, ctx) => {
      const value = parseJson(text, ctx);
      if (value === z.NEVER) return z.NEVER;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse(ctx, text, 'expected a JSON object');
      const stored = value as Record<string, unknown>;
      const kept = Object.entries(shape).flatMap(([name, schema]) => {
        const parsed = Object.hasOwn(stored, name) ? z.safeParse(schema, stored[name]) : undefined;
        return parsed?.success ? [[name, parsed.data] as const] : [];
      });
      return Object.fromEntries(kept) as z.input<typeof fields>;
    },
    encode: (value) => JSON.stringify(value),
  });
}

type DecodeContext = { issues: z.core.$ZodRawIssue[] };

function parseJson(text: string, ctx: DecodeContext): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return refuse(ctx, text, 'not JSON');
  }
}

function refuse(ctx: DecodeContext, text: string, message: string): typeof z.NEVER {
  ctx.issues.push({ code: 'custom', input: text, message });
  return z.NEVER;
}
