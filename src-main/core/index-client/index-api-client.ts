// The index API as a peer calls it: one function per request, JSON in and out, typed by the
// contract. Failures come back as IndexCallError with the HTTP status and catalogue code.
import type { z } from 'zod';
import type {
  fileUpdateRequestSchema,
  heartbeatRequestSchema,
  RegisterRequest,
  RegisterResponse,
  transferReportSchema,
} from '../../../src-shared/api/index-routes.js';

export class IndexCallError extends Error {
  constructor(readonly status: number, readonly code: string | undefined, message: string) {
    super(message);
    this.name = 'IndexCallError';
  }

  /** The index does not know this peer or its session: register again. */
  get needsRegistration(): boolean {
    return this.code === 'PEER_UNKNOWN' || this.code === 'SESSION_INVALID';
  }
}

const TIMEOUT_MS = 10_000;

async function call<T>(address: string, path: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`http://${address}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new IndexCallError(0, undefined, `cannot reach ${address}: ${err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message : String(err)}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let code: string | undefined;
    let message = `${address} answered ${res.status}`;
    try {
      const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      code = error?.code;
      if (error?.message) message = `${message}: ${error.message}`;
    } catch {
      // not our JSON: keep the status
    }
    throw new IndexCallError(res.status, code, message);
  }
  return JSON.parse(text) as T;
}

export const indexApi = {
  register: (address: string, body: RegisterRequest) => call<RegisterResponse>(address, '/api/v1/peers/register', body),
  heartbeat: (address: string, token: string, body: z.input<typeof heartbeatRequestSchema>) =>
    call<{ ok: true; heartbeatIntervalMs: number }>(address, '/api/v1/peers/heartbeat', body, token),
  updateFiles: (address: string, token: string, body: z.input<typeof fileUpdateRequestSchema>) =>
    call<{ ok: true; files: number }>(address, '/api/v1/files/register', body, token),
  unregister: (address: string, token: string, peerId: string) => call<{ ok: true }>(address, '/api/v1/peers/unregister', { peerId }, token),
  reportTransfer: (address: string, token: string, body: z.input<typeof transferReportSchema>) =>
    call<{ ok: true }>(address, '/api/v1/transfers/report', body, token),
};
