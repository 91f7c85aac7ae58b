// A call of the node API as either transport (HTTP in http/route-registry.ts, Electron's IPC in
// electron/ipc.ts) hands it to a handler: its validated input, and the answer the route declares.
import type { z } from 'zod';
import type { RouteSpec } from '../../../src-shared/api/peer-routes.js';
import { ANONYMOUS, type Viewer } from '../access/viewer.js';

type Parsed<R, K extends string> = R extends { [P in K]: infer S } ? (S extends z.ZodType ? z.output<S> : undefined) : undefined;

/** A call's validated input, whichever transport (HTTP, Electron's IPC) carried it. */
export interface CallInput<R extends RouteSpec> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** True when the local user (loopback + token, or the desktop window) asks: answers may include local paths. */
  isLocalUser: boolean;
  /** Who asks, for sharing permissions: the local user, or a peer and the device it proved (access/viewer.ts). */
  viewer: Viewer;
}

/**
 * What a handler returns: its route's answer as the response schema takes it (`z.input`: before
 * defaults), now or later; a route without one (bytes, a redirect) answers itself and returns nothing.
 */
export type Answer<R> = R extends { response: infer S extends z.ZodType } ? z.input<S> | Promise<z.input<S>> : void | Promise<void>;

/** A handler per route of a table, given the call's validated input (either transport's). */
export type CallHandlers<T extends Record<string, RouteSpec>> = {
  [K in keyof T]: (input: CallInput<T[K]>) => Answer<T[K]>;
};

/**
 * Validates a call's parts with its route's schemas (a part the route does not declare stays
 * undefined). Both transports go through here.
 */
export function parseCallInput(
  spec: RouteSpec,
  parts: { params?: unknown; query?: unknown; body?: unknown },
  isLocalUser: boolean,
): CallInput<RouteSpec> {
  return {
    params: spec.params?.parse(parts.params ?? {}) as never,
    query: spec.query?.parse(parts.query ?? {}) as never,
    body: spec.body?.parse(parts.body) as never,
    isLocalUser,
    viewer: isLocalUser ? 'local' : ANONYMOUS,
  };
}
