// This node's access control on the sources an index answer lists (issue 14): a source in a
// blocked network, or a blocked device, is left out of our own answers and of what other index
// servers tell us alike.
import type { SearchResult } from '../../../src-shared/api/index-routes.js';

/** Whether a source may be listed (its address is in no blocked network, its device is not blocked). */
export type SourceAllowed = (source: { url: string; peerId: string }) => boolean;

/** `result` without the sources `allowed` leaves out; its count less those left out (never less than it lists). */
export function withAllowedSources<R extends SearchResult>(result: R, allowed: SourceAllowed | undefined): R {
  if (!allowed) return result;
  const sources = result.sources.filter((s) => allowed(s));
  if (sources.length === result.sources.length) return result;
  return { ...result, sources, sourceCount: Math.max(sources.length, result.sourceCount - (result.sources.length - sources.length)) };
}
