// One JSON GET to another node, checked against its schema. Any failure is `ok: false` plus a
// reason: what other nodes send is never trusted and never throws into the caller. Redirects are
// refused (a peer must not make us fetch an arbitrary URL) and the body is read up to a cap.
import type { z } from 'zod';
import { NodeDialer, type Expected } from './node-dialer.js';
import { PeerIdentityError } from './node-tls.js';
import { readCapped } from './read-capped.js';

/** The largest JSON answer read from another node unless the caller says otherwise. */
export const MAX_JSON_BYTES = 1024 * 1024;

/** `presented`: over TLS, the other side proved a node id other than the one expected. */
export type JsonAnswer<T> = { ok: true; value: T; nodeId?: string | undefined } | { ok: false; status: number; reason: string; presented?: string | undefined };

/** How to reach the other node: through this node's dialer (TLS when encryption is on), expecting whom. Without one: plain HTTP (the CLI). */
export interface NodeLink {
  dialer: NodeDialer;
  expected: Expected;
}

/** Asks each address in turn (`http://ADDRESS` + path); the first valid answer, or every reason. */
export async function firstAnswer<S extends z.ZodType>(addresses: readonly string[], pathAndQuery: string, schema: S, timeoutMs: number, link?: NodeLink): Promise<{ ok: true; value: z.output<S> } | { ok: false; reasons: string[] }> {
  const reasons: string[] = [];
  for (const address of addresses) {
    const answer = await getJson(`http://${address}${pathAndQuery}`, schema, timeoutMs, undefined, MAX_JSON_BYTES, link);
    if (answer.ok) return answer;
    reasons.push(answer.reason);
  }
  return { ok: false, reasons };
}

/** Plain HTTP, for callers without a dialer (the CLI). */
const PLAIN = new NodeDialer(null);

export async function getJson<S extends z.ZodType>(url: string, schema: S, timeoutMs: number, signal?: AbortSignal, maxBytes = MAX_JSON_BYTES, link?: NodeLink): Promise<JsonAnswer<z.output<S>>> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const init = { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } };
    const { response: res, nodeId } = await (link?.dialer ?? PLAIN).call(url, init, link?.expected ?? 'any');
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, status: res.status, reason: `${new URL(url).host} answered ${res.status}` };
    }
    const text = res.body ? await readCapped(res.body, maxBytes) : '';
    if (text === undefined) return { ok: false, status: 0, reason: `${new URL(url).host} sent more than ${maxBytes} bytes` };
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) return { ok: false, status: 0, reason: `${new URL(url).host} sent an unexpected answer` };
    return { ok: true, value: parsed.data, nodeId };
  } catch (err) {
    if (err instanceof PeerIdentityError) return { ok: false, status: 0, reason: err.message, presented: err.presented };
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: 0, reason: `${new URL(url).host}: ${timeout.aborted ? 'timed out' : cause ?? (err as { code?: string }).code ?? (err as Error).message}` };
  }
}
