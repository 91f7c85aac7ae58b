// The node API as typed methods, built from the route table (src-shared/api/peer-routes.ts): each
// call's input is checked with the route's zod schemas before it leaves, and the answer is parsed
// with the route's response schema, so a drifting node is a clear error, not a broken screen.
import type { z } from 'zod';
import { peerRoutes, type PeerRouteName, type RouteSpec } from '../../src-shared/api/peer-routes.js';
import { ApiError } from './api-error.js';
import type { CallParts, NodeTransport } from './transport.js';

type Routes = typeof peerRoutes;
// A part whose every field is optional (a query of defaults) may be left out.
type Part<R, K extends keyof CallParts> = R extends { [P in K]: infer S extends z.ZodType }
  ? object extends z.input<S> ? { [P in K]?: z.input<S> } : { [P in K]: z.input<S> }
  : { [P in K]?: undefined };
export type CallInput<R> = Part<R, 'params'> & Part<R, 'query'> & Part<R, 'body'>;
export type CallOutput<R> = R extends { response: infer S extends z.ZodType } ? z.output<S> : unknown;

type Method<R> = object extends CallInput<R>
  ? (input?: CallInput<R>) => Promise<CallOutput<R>>
  : (input: CallInput<R>) => Promise<CallOutput<R>>;

export type NodeApi = { [K in PeerRouteName]: Method<Routes[K]> };

function check<S extends z.ZodType>(schema: S | undefined, value: unknown, what: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ApiError('VALIDATION_FAILED', `${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function createNodeClient(transport: NodeTransport): NodeApi {
  const api: Partial<Record<PeerRouteName, (input?: CallParts) => Promise<unknown>>> = {};
  for (const name of Object.keys(peerRoutes) as PeerRouteName[]) {
    const spec: RouteSpec = peerRoutes[name];
    api[name] = async (input: CallParts = {}) => {
      const parts: CallParts = {
        params: check(spec.params, input.params, 'params') as Record<string, unknown> | undefined,
        query: check(spec.query, input.query ?? {}, 'query') as Record<string, unknown> | undefined,
        body: check(spec.body, input.body, 'body'),
      };
      const answer = await transport.invoke(name, parts);
      if (!spec.response) return answer;
      const parsed = spec.response.safeParse(answer);
      if (!parsed.success) throw new ApiError('UNEXPECTED_ANSWER', `The node's answer to ${name} has an unexpected shape.`);
      return parsed.data;
    };
  }
  return api as NodeApi;
}
