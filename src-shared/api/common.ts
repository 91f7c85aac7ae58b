// Schemas every API shares: ids, categories, paging.
import { z } from 'zod';

export const fileIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a file id is 64 lowercase hex characters')
  .describe('the root of the content\'s BitTorrent v2 hash tree (BEP 52 pieces root: SHA-256 over 16 KiB blocks), lowercase hex');

export const sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex characters')
  .describe('SHA-256 of the whole content, lowercase hex');

export const categories = ['video', 'audio', 'image', 'document', 'archive', 'software', 'code', 'other'] as const;
export const categorySchema = z.enum(categories);
export type Category = z.infer<typeof categorySchema>;

export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._+#-]*$/u, 'a tag is letters, digits, spaces and . _ + # -');

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

/** "host:port" or "[::1]:port"; a scheme, a path or a user part is not part of an address. */
export const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]@]+):(\d{1,5})$/;

export const hostPortSchema = z
  .string()
  .trim()
  .refine((value) => {
    const port = Number(HOST_PORT.exec(value)?.[2]);
    return port >= 1 && port <= 65535;
  }, { error: 'expected "host:port", like "192.168.1.20:8080"' });

export const okSchema = z.object({ ok: z.literal(true) });

/**
 * Where a node can be reached: a host name or an IP address, nothing else (no scheme, port, path,
 * user or query): what peers claim as their address becomes URLs others fetch. Not lower-cased
 * here: it is signed as sent (the index lower-cases it after checking the signature).
 */
export const hostSchema = z.string().max(253)
  .refine((host) => z.ipv4().safeParse(host).success || z.ipv6().safeParse(host).success
    || /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host),
  'an address is a host name or an IP address, without scheme, port or path');
