// How this node calls another node's API: the contract client (src-shared/api/contract-client.ts)
// over NodeDialer (pinned TLS when encryption is on). Whatever the other side does, a call ends in
// its typed answer or one NodeCallError: never a redirect followed, never more than the cap read,
// never longer than the timeout.
import { createContractClient, routePath, type ContractApi, type ContractTransport, type RouteTable } from '../../../src-shared/api/contract-client.js';
import { NodeDialer, type Expected } from './node-dialer.js';
import { PeerIdentityError } from './node-tls.js';
import { readCapped } from './read-capped.js';

/** The largest JSON answer read from another node unless the call says otherwise. */
export const MAX_JSON_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface NodeCallOptions {
  /** `host:port` (plain http, or TLS when the dialer encrypts), or an origin such as `https://host:port`. */
  address: string;
  /** Who must answer over TLS (node-dialer.ts); default: whoever it is. */
  expected?: Expected;
  timeoutMs?: number;
  /** The most bytes of answer read; past it the call fails with UNEXPECTED_ANSWER. */
  maxBytes?: number;
  signal?: AbortSignal | undefined;
  /** Sent as `Authorization: Bearer` (an index session). */
  token?: string | undefined;
  /** Filled with the node id the other side proved over TLS (left undefined in plain HTTP). */
  proof?: { nodeId?: string | undefined };
}

/**
 * Why a call to another node failed. `status` is the HTTP status, 0 when no usable answer came;
 * `code` is the catalogue's code the node answered (`{error: {code, message}}`), else one of the
 * client's own: UNREACHABLE (no answer: refused, timed out, cancelled), HTTP_ERROR (a failed
 * answer without the catalogue's body), UNEXPECTED_ANSWER (not JSON, too large, or not the
 * route's shape), VALIDATION_FAILED (our own input broke the route's schema), or
 * PEER_IDENTITY_MISMATCH (over TLS the node proved another id: `presented`).
 */
export class NodeCallError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly presented?: string) {
    super(message);
    this.name = 'NodeCallError';
  }

  /** The other node does not know us or our session: register again. */
  get needsRegistration(): boolean {
    return this.code === 'PEER_UNKNOWN' || this.code === 'SESSION_INVALID';
  }

  /** The other node refused this request's content (4xx); sending it again will not help. */
  get rejected(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429 && !this.needsRegistration;
  }
}

export type NodeApiOf<Routes> = ContractApi<Routes, NodeCallOptions>;

/** A typed client for `routes` over `dialer`; plain HTTP when none is given (the CLI, encryption off). */
export function nodeApiClient<Routes extends RouteTable>(routes: Routes, dialer: NodeDialer = new NodeDialer(null)): NodeApiOf<Routes> {
  return createContractClient(routes, contractTransport(routes, dialer), (code, message, { route, options }) =>
    // Input our own schema refuses is what the other node would refuse with 400: not worth sending again.
    new NodeCallError(code === 'VALIDATION_FAILED' ? 400 : 0, code, code === 'UNEXPECTED_ANSWER' && options ? `${hostOf(options.address)} sent an unexpected answer to ${route}` : message));
}

export function contractTransport<Routes extends RouteTable>(routes: Routes, dialer: NodeDialer): ContractTransport<keyof Routes & string, NodeCallOptions> {
  return {
    async invoke(route, parts, options) {
      if (!options) throw new NodeCallError(0, 'VALIDATION_FAILED', `${route}: no node to ask`);
      const spec = routes[route]!;
      const origin = /^https?:\/\//.test(options.address) ? options.address : `http://${options.address}`;
      const url = new URL(routePath(spec, parts), origin).href;
      const host = hostOf(options.address);
      const maxBytes = options.maxBytes ?? MAX_JSON_BYTES;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (parts.body !== undefined) headers['content-type'] = 'application/json';
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
      let status: number;
      let text: string | undefined;
      try {
        // The dialer never follows a redirect: a node must not send us, or our session token, elsewhere.
        const answer = await dialer.call(url, {
          method: spec.method.toUpperCase() as 'GET' | 'POST', headers, signal,
          ...(parts.body !== undefined ? { body: JSON.stringify(parts.body) } : {}),
        }, options.expected ?? 'any');
        status = answer.status;
        if (options.proof) options.proof.nodeId = answer.nodeId;
        text = (await readCapped(answer.body, maxBytes))?.toString('utf8');
      } catch (err) {
        if (err instanceof PeerIdentityError) throw new NodeCallError(0, err.code, err.message, err.presented);
        const why = options.signal?.aborted ? 'cancelled' : timeout.aborted ? 'timed out' : reason(err);
        throw new NodeCallError(0, 'UNREACHABLE', `cannot reach ${host}: ${why}`);
      }
      if (status < 200 || status > 299) throw failedAnswer(host, status, text);
      if (text === undefined) throw new NodeCallError(0, 'UNEXPECTED_ANSWER', `${host} sent more than ${maxBytes} bytes`);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new NodeCallError(0, 'UNEXPECTED_ANSWER', `${host} sent an answer that is not JSON to ${route}`);
      }
    },
  };
}

/** A failed answer: the catalogue's code and message when the body is `{error: {code, message}}`. */
function failedAnswer(host: string, status: number, text: string | undefined): NodeCallError {
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = text === undefined ? undefined : (JSON.parse(text) as { error?: typeof error } | null)?.error;
  } catch {
    // not the catalogue's JSON: the status says it all
  }
  if (typeof error?.code !== 'string') return new NodeCallError(status, 'HTTP_ERROR', `${host} answered ${status}`);
  const said = typeof error.message === 'string' ? `: ${error.message.slice(0, 500)}` : '';
  return new NodeCallError(status, error.code.slice(0, 64), `${host} answered ${status} ${error.code.slice(0, 64)}${said}`);
}

function hostOf(address: string): string {
  return /^https?:\/\//.test(address) ? new URL(address).host : address;
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? (err as { code?: string }).code ?? cause?.message ?? err.message;
}

/** A call's answer or its NodeCallError, for callers that weigh failures instead of throwing them on. */
export async function attempt<T>(call: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: NodeCallError }> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    return { ok: false, error: err instanceof NodeCallError ? err : new NodeCallError(0, 'UNREACHABLE', err instanceof Error ? err.message : String(err)) };
  }
}

/** Asks each address in turn: the first answer, or why each failed. */
export async function firstAnswer<T>(addresses: readonly string[], ask: (address: string) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; reasons: string[] }> {
  const reasons: string[] = [];
  for (const address of addresses) {
    const answer = await attempt(ask(address));
    if (answer.ok) return answer;
    reasons.push(answer.error.message);
  }
  return { ok: false, reasons };
}

/** A query as parsed by its schema, back in the form it is sent: lists (the `asked` ids) comma-joined. */
export function sentQuery<Q extends object>(query: Q): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : value]));
}
