// Measures the round trip to sources that have not served this node lately, so a download can
// choose the near ones before it asks any of them for a byte: each is asked `GET /api/v1/info`
// (a small answer every node gives, checked and capped by the contract client) twice, and the
// faster of the two is the sample, since the first also pays the TCP and TLS handshakes, and the
// second goes over the connection the dialer kept. A source that does not answer within the
// timeout is noted as that far. Bounded: a few at once, each timed out, stopped with the run.
import { peerRoutes } from '../../../src-shared/api/peer-routes.js';
import { inTurns } from '../in-turns.js';
import { attempt, nodeApiClient } from '../net/contract-transport.js';
import type { NodeDialer } from '../net/node-dialer.js';
import type { SourceRtt } from './source-rtt.js';

/** Probes in flight at once. */
const PROBES_AT_ONCE = 8;
/** One probe's request; a source slower than this is noted as this far. */
const PROBE_TIMEOUT_MS = 2_000;
/** A node's info is a few hundred bytes. */
const INFO_BYTES = 16 * 1024;

export interface ProbeTarget {
  /** host:port */
  address: string;
  peerId: string | null;
}

/** Measures each target (in the order given) into `rtt`; settles when all are measured or the run stopped. */
export async function probeRtts(targets: readonly ProbeTarget[], rtt: SourceRtt, signal: AbortSignal, dialer?: NodeDialer): Promise<void> {
  const api = nodeApiClient(peerRoutes, dialer);
  await inTurns(targets, PROBES_AT_ONCE, async (target) => {
    if (signal.aborted) return;
    const call = { address: target.address, expected: target.peerId ? { node: target.peerId } : 'any', timeoutMs: PROBE_TIMEOUT_MS, signal, maxBytes: INFO_BYTES } as const;
    let best = Infinity;
    for (let i = 0; i < 2 && !signal.aborted; i++) {
      const started = performance.now();
      const answer = await attempt(api.getInfo(undefined, call));
      if (!answer.ok) break;
      best = Math.min(best, performance.now() - started);
    }
    if (signal.aborted) return;
    rtt.note(target.address, Number.isFinite(best) ? best : PROBE_TIMEOUT_MS);
  });
}
