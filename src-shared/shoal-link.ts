// `shoal://file/<fileId>?name=…`: a link to a file on the network, the way magnet links work for
// BitTorrent. The Share view copies one; the desktop app opens one and starts the download.
import { z } from 'zod';
import { fileIdSchema } from './api/common.js';

export const SHOAL_SCHEME = 'shoal';

export interface ShoalLink {
  fileId: string;
  name?: string;
}

const nameSchema = z.string().trim().min(1).max(255);

export function shoalLink(fileId: string, name?: string): string {
  const query = name ? `?name=${encodeURIComponent(name)}` : '';
  return `${SHOAL_SCHEME}://file/${fileId}${query}`;
}

/** The link's file id and name, or null for anything that is not a well-formed Shoal file link. */
export function parseShoalLink(text: string): ShoalLink | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== `${SHOAL_SCHEME}:` || url.hostname !== 'file') return null;
  const fileId = fileIdSchema.safeParse(url.pathname.replace(/^\/+|\/+$/g, '').toLowerCase());
  if (!fileId.success) return null;
  const name = nameSchema.safeParse(url.searchParams.get('name') ?? undefined);
  return name.success ? { fileId: fileId.data, name: name.data } : { fileId: fileId.data };
}
