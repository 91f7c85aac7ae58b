// A typed client for any route table (the peer API, the index API, federation): one method per
// route, its input checked with the route's zod schemas before anything leaves and its answer
// parsed with the route's response schema. How a call travels (HTTP in a browser, IPC in the
// desktop app, pinned TLS between nodes) is the transport's; what a failure is, the caller's.
import type { z } from 'zod';
import type { RouteSpec } from './peer-routes.js';

/** A call's validated parts, as the route table names them. */
export interface CallParts {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

export type RouteTable = Record<string, RouteSpec>;

/** Carries one call; `options` are the transport's own (where to, how long), passed through untouched. */
export interface ContractTransport<Name extends string, Options = undefined> {
  invoke(route: Name, parts: CallParts, options?: Options): Promise<unknown>;
}

/** What the client itself refuses: input that breaks the route's schemas, an answer that breaks its response schema. */
export type ClientFailure = 'VALIDATION_FAILED' | 'UNEXPECTED_ANSWER';

/** Makes the error a refused call throws, so each side keeps its own error type. */
export type FailureFactory<Options> = (code: ClientFailure, message: string, call: { route: string; options: Options | undefined }) => Error;

// A part whose every field is optional (a query of defaults) may be left out.
type Part<R, K extends keyof CallParts> = R extends { [P in K]: infer S extends z.ZodType }
  ? object extends z.input<S> ? { [P in K]?: z.input<S> } : { [P in K]: z.input<S> }
  : { [P in K]?: undefined };
export type CallInput<R> = Part<R, 'params'> & Part<R, 'query'> & Part<R, 'body'>;
export type CallOutput<R> = R extends { response: infer S extends z.ZodType } ? z.output<S> : unknown;

/** A transport without options is called with the input alone; one with options needs them on every call. */
export type ContractMethod<R, Options = undefined> = [Options] extends [undefined]
  ? object extends CallInput<R> ? (input?: CallInput<R>) => Promise<CallOutput<R>> : (input: CallInput<R>) => Promise<CallOutput<R>>
  : object extends CallInput<R> ? (input: CallInput<R> | undefined, options: Options) => Promise<CallOutput<R>> : (input: CallInput<R>, options: Options) => Promise<CallOutput<R>>;

export type ContractApi<Routes, Options = undefined> = { [K in keyof Routes]: ContractMethod<Routes[K], Options> };

const plainFailure: FailureFactory<unknown> = (code, message) => Object.assign(new Error(message), { code });

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

export function createContractClient<Routes extends RouteTable, Options = undefined>(
  routes: Routes,
  transport: ContractTransport<keyof Routes & string, Options>,
  fail: FailureFactory<Options> = plainFailure,
): ContractApi<Routes, Options> {
  const api: Record<string, (input?: CallParts, options?: Options) => Promise<unknown>> = {};
  for (const route of Object.keys(routes) as (keyof Routes & string)[]) {
    const spec = routes[route] as RouteSpec;
    const check = (schema: z.ZodType | undefined, value: unknown, what: string, options: Options | undefined): unknown => {
      if (!schema) return undefined;
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw fail('VALIDATION_FAILED', `${what}: ${issues(parsed.error)}`, { route, options });
      return parsed.data;
    };
    api[route] = async (input: CallParts = {}, options?: Options) => {
      const parts: CallParts = {
        params: check(spec.params, input.params, 'params', options) as Record<string, unknown> | undefined,
        query: check(spec.query, input.query ?? {}, 'query', options) as Record<string, unknown> | undefined,
        body: check(spec.body, input.body, 'body', options),
      };
      const answer = await transport.invoke(route, parts, options);
      if (!spec.response) return answer;
      const parsed = spec.response.safeParse(answer);
      if (!parsed.success) throw fail('UNEXPECTED_ANSWER', `The node's answer to ${route} has an unexpected shape.`, { route, options });
      return parsed.data;
    };
  }
  return api as ContractApi<Routes, Options>;
}

/** The route's path with its params filled in, and its query (parts left undefined or null are left out). */
export function routePath(spec: RouteSpec, parts: CallParts): string {
  const path = spec.path.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(String(parts.params?.[key] ?? '')));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(parts.query ?? {})) {
    if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}
