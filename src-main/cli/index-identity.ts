// Before a terminal command uses an index server, the server must prove the id expected of it over
// TLS (the one given with its address, else its pin; the first time, the id it proves is pinned).
// One that proves another id is left out with the reason and what to do about it, instead of
// failing later in a less telling way (a download that finds no source).
import { indexRoutes } from '../../src-shared/api/index-routes.js';
import { attempt, nodeApiClient } from '../core/net/contract-transport.js';
import type { NodeDialer } from '../core/net/node-dialer.js';

const PROBE_TIMEOUT_MS = 5_000;

/**
 * `addresses` without those proving another id than the one expected there, each said on
 * `stderr` with how to trust the new one (`forgetCommand`: the command that forgets its pin).
 * Unreachable ones stay in: the command says why when it asks them. No dialer (encryption off):
 * nothing is proved, all stay.
 */
export async function provenIndexes(
  addresses: readonly string[],
  dialer: NodeDialer | undefined,
  stderr: { write(text: string): unknown },
  forgetCommand: (address: string) => string,
): Promise<string[]> {
  if (!dialer) return [...addresses];
  const api = nodeApiClient(indexRoutes, dialer);
  const checked = await Promise.all(addresses.map(async (address) => {
    const answer = await attempt(api.stats(undefined, { address, expected: 'pinned', timeoutMs: PROBE_TIMEOUT_MS }));
    if (answer.ok || answer.error.code !== 'PEER_IDENTITY_MISMATCH') return address;
    const how = dialer.pins.view(address)?.given
      ? `Its id is given with its address (--index ${address}#NODEID or peer.super_peer_address): if the index server was set up again, give its new id there.`
      : `If the index server was set up again (a new key), trust its new id with: ${forgetCommand(address)}`;
    stderr.write(`shoal: ${answer.error.message}.\n  ${how}\n`);
    return undefined;
  }));
  return checked.filter((a): a is string => a !== undefined);
}
