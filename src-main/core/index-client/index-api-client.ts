// The index API as a peer calls it: one function per request, JSON in and out, typed and checked
// by the contract. Failures come back as IndexCallError with the HTTP status and catalogue code.
import { MAX_JSON_BYTES } from '../net/get-json.js';
import type { NodeDialer } from '../net/node-dialer.js';
import { PeerIdentityError } from '../net/node-tls.js';
import { readCapped } from '../net/read-capped.js';
import { shortNodeId } from '../../../src-shared/node-id.js';
import type { z } from 'zod';
import {
  challengeResponseSchema,
  fileUpdateResponseSchema,
  heartbeatResponseSchema,
  indexStatsSchema,
  registerResponseSchema,
  type fileUpdateRequestSchema,
  type heartbeatRequestSchema,
  type RegisterRequest,
  type RegisterResponse,
  type transferReportSchema,
} from '../../../src-shared/api/index-routes.js';

export class IndexCallError extends Error {
  /** `status` is 0 when no HTTP answer came (refused, timed out, cancelled, not an index). */
  constructor(readonly status: number, readonly code: string | undefined, message: string) {
    super(message);
    this.name = 'IndexCallError';
  }

  /** The index does not know this peer or its session: register again. */
  get needsRegistration(): boolean {
    return this.code === 'PEER_UNKNOWN' || this.code === 'SESSION_INVALID';
  }

  /** The index refused this request's content (4xx); sending it again will not help. */
  get rejected(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429 && !this.needsRegistration;
  }
}

export interface CallOptions {
  timeoutMs?: number;
  /** Cancels the call (the client is stopping). */
  signal?: AbortSignal;
  /** This node's dialer: with encryption on, TLS to the id the index proved on first use (never plain). */
  dialer?: NodeDialer | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface Checker<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

async function call<T>(
  method: 'GET' | 'POST', address: string, path: string, body: unknown, token: string | undefined,
  answer: Checker<T> | undefined, options: CallOptions,
): Promise<T> {
  return (await callProven(method, address, path, body, token, answer, options)).value;
}

/** The answer, and the node id the index proved over TLS (undefined in plain HTTP). */
async function callProven<T>(
  method: 'GET' | 'POST', address: string, path: string, body: unknown, token: string | undefined,
  answer: Checker<T> | undefined, options: CallOptions,
): Promise<{ value: T; nodeId: string | undefined }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let text: string | undefined;
  let res: Response;
  let nodeId: string | undefined;
  try {
    // No redirects: an index server must not send us to another URL with our session token.
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal };
    const url = `http://${address}${path}`;
    if (options.dialer) ({ response: res, nodeId } = await options.dialer.call(url, init, 'pinned'));
    else res = await fetch(url, { ...init, redirect: 'error' });
    text = res.body ? await readCapped(res.body, MAX_JSON_BYTES) : '';
  } catch (err) {
    if (err instanceof PeerIdentityError) throw new IndexCallError(0, err.code, err.message);
    const why = options.signal?.aborted ? 'cancelled' : timeout.aborted ? 'timed out' : reason(err);
    throw new IndexCallError(0, undefined, `cannot reach ${address}: ${why}`);
  }
  if (text === undefined) throw new IndexCallError(0, undefined, `${address} sent more than ${MAX_JSON_BYTES} bytes`);
  if (!res.ok) {
    let code: string | undefined;
    let message = `${address} answered ${res.status}`;
    try {
      const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof error?.code === 'string') code = error.code;
      if (typeof error?.message === 'string') message = `${message} ${code ?? ''}: ${error.message}`;
    } catch {
      // not our JSON: keep the status
    }
    throw new IndexCallError(res.status, code, message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IndexCallError(0, undefined, `${address} is not a Shoal index server (its answer is not JSON)`);
  }
  if (!answer) return { value: json as T, nodeId };
  const parsed = answer.safeParse(json);
  if (!parsed.success) throw new IndexCallError(0, undefined, `${address} is not a Shoal index server (unexpected answer to ${path})`);
  return { value: parsed.data, nodeId };
}

/** The challenge, from an index whose TLS key is the index id it gives (a relay cannot pass another index's id off as its own). */
async function challenge(address: string, o: CallOptions) {
  const { value, nodeId } = await callProven('GET', address, '/api/v1/peers/challenge', undefined, undefined, challengeResponseSchema, o);
  if (nodeId !== undefined && value.indexId !== nodeId) {
    throw new IndexCallError(0, 'PEER_IDENTITY_MISMATCH', `${address} says it is index ${shortNodeId(value.indexId)} but its TLS key is ${shortNodeId(nodeId)}: refusing it`);
  }
  challenged.set(value.challenge, value.indexId);
  for (const old of challenged.keys()) {
    if (challenged.size <= MAX_CHALLENGES_HELD) break;
    challenged.delete(old);
  }
  return value;
}

/** Challenges fetched lately (challenge → the index id given with it, checked against TLS), oldest first. */
const challenged = new Map<string, string>();
const MAX_CHALLENGES_HELD = 256;

/**
 * A registration: the session must be with the index that gave the challenge (the id checked
 * against its TLS key), and over TLS with the index whose key answered.
 */
async function register(address: string, body: RegisterRequest, o: CallOptions): Promise<RegisterResponse> {
  const expected = challenged.get(body.challenge);
  challenged.delete(body.challenge);
  const { value, nodeId } = await callProven('POST', address, '/api/v1/peers/register', body, undefined, registerResponseSchema, o);
  const mismatch = expected !== undefined && value.indexId !== expected ? `the challenge came from index ${shortNodeId(expected)}`
    : nodeId !== undefined && value.indexId !== nodeId ? `its TLS key is ${shortNodeId(nodeId)}` : undefined;
  if (mismatch) throw new IndexCallError(0, 'PEER_IDENTITY_MISMATCH', `${address} registered this node as index ${shortNodeId(value.indexId)} but ${mismatch}: refusing it`);
  return value;
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? err.message;
}

type Input<S extends z.ZodType> = z.input<S>;

export const indexApi = {
  challenge: (address: string, o: CallOptions = {}) => challenge(address, o),
  register: (address: string, body: RegisterRequest, o: CallOptions = {}): Promise<RegisterResponse> => register(address, body, o),
  heartbeat: (address: string, token: string, body: Input<typeof heartbeatRequestSchema>, o: CallOptions = {}) =>
    call('POST', address, '/api/v1/peers/heartbeat', body, token, heartbeatResponseSchema, o),
  updateFiles: (address: string, token: string, body: Input<typeof fileUpdateRequestSchema>, o: CallOptions = {}) =>
    call('POST', address, '/api/v1/files/register', body, token, fileUpdateResponseSchema, o),
  unregister: (address: string, token: string, peerId: string, o: CallOptions = {}) =>
    call<unknown>('POST', address, '/api/v1/peers/unregister', { peerId }, token, undefined, o),
  reportTransfer: (address: string, token: string, body: Input<typeof transferReportSchema>, o: CallOptions = {}) =>
    call<unknown>('POST', address, '/api/v1/transfers/report', body, token, undefined, o),
  /** Whether an index answers at all (used to come back to a preferred index server). */
  probe: (address: string, o: CallOptions = {}) => call('GET', address, '/api/v1/stats', undefined, undefined, indexStatsSchema, o),
};
