// A peer registers with the nearest index server that accepts it (its "region"). The list stays
// in the user's order (configured, added by hand, this node's own, found on the LAN) except that
// a server clearly nearer than one before it, by measured round trip, moves ahead of it: so the
// client's usual "the first that answers" picks the nearest, and its "a server before mine answers
// again: move" check moves to a nearer one. Kinds keep their order (a server the user configured
// is not overruled by one merely found), and this node's own index is never ranked (it is always
// nearest, and is the last resort). Unmeasured servers keep their place.
//
// Hysteresis: "clearly nearer" is twice as near and 20 ms nearer, and the server in use counts as
// twice as near and 20 ms nearer again than measured, so a peer moves only for a clear gain and
// never back and forth on jitter.
import type { IndexServerRef } from './server-choice.js';

const NEARER_FACTOR = 2;
const NEARER_MARGIN_MS = 20;

export function nearestFirst(list: readonly IndexServerRef[], rttMs: (address: string) => number | undefined, current: string | undefined): IndexServerRef[] {
  const effective = (address: string): number | undefined => {
    const rtt = rttMs(address);
    if (rtt === undefined || address !== current) return rtt;
    return Math.max(0, Math.min(rtt / NEARER_FACTOR, rtt - NEARER_MARGIN_MS));
  };
  const clearlyNearer = (b: IndexServerRef, a: IndexServerRef): boolean => {
    const rb = effective(b.address);
    const ra = effective(a.address);
    return rb !== undefined && ra !== undefined && rb * NEARER_FACTOR <= ra && ra - rb >= NEARER_MARGIN_MS;
  };
  const out: IndexServerRef[] = [];
  let runStart = 0;
  for (const ref of list) {
    if (out.length > runStart && (out[runStart] as IndexServerRef).source !== ref.source) runStart = out.length;
    let at = out.length;
    if (ref.source !== 'self') {
      while (at > runStart && clearlyNearer(ref, out[at - 1] as IndexServerRef)) at--;
    }
    out.splice(at, 0, ref);
    if (ref.source === 'self') runStart = out.length;
  }
  return out;
}
