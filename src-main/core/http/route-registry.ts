// Registers one express handler per route of a declared table (src-shared/api/*-routes.ts):
// checks access, validates params, query and body with the route's schemas, then calls the
// handler. A handler returns the JSON answer (typed from the route's response schema, and checked
// against it in tests and development: api/answer-check.ts), or answers itself and returns nothing.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { RouteSpec } from '../../../src-shared/api/peer-routes.js';
import { ShoalError } from '../../../src-shared/errors.js';
import type { ControlAccess } from './control-access.js';
import { viewerOf } from '../access/viewer.js';
import { answersChecked, checkAnswer } from '../api/answer-check.js';
import { parseCallInput, type Answer, type CallInput } from '../api/call-input.js';

export interface RouteInput<R extends RouteSpec> extends CallInput<R> {
  req: Request;
  res: Response;
}

export type RouteHandlers<T extends Record<string, RouteSpec>> = {
  [K in keyof T]: (input: RouteInput<T[K]>) => Answer<T[K]>;
};

export function registerRoutes<T extends Record<string, RouteSpec>>(
  router: Router,
  routes: T,
  handlers: RouteHandlers<T>,
  access: ControlAccess,
  jsonLimit: string,
): void {
  const readJson = express.json({ limit: jsonLimit, strict: true });
  const checked = answersChecked();
  for (const name of Object.keys(routes) as (keyof T & string)[]) {
    const spec = routes[name] as RouteSpec;
    const handler = handlers[name] as (input: RouteInput<RouteSpec>) => unknown;
    // Access first, then the body: a stranger gets 401/403, never a parse error or 413 that
    // tells them the route exists and reads what they send (and costs the node the read).
    const checkAccess = (req: Request, _res: Response, next: NextFunction) => {
      try {
        if (spec.access === 'control') access.assertLocalUser(req);
        next();
      } catch (err) {
        next(err);
      }
    };
    const json = spec.bodyLimit ? express.json({ limit: spec.bodyLimit, strict: true }) : readJson;
    const body = spec.body && !spec.multipart ? [json] : [];
    router[spec.method](spec.path, checkAccess, ...body, async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (spec.body && !req.is('application/json')) {
          throw new ShoalError('UNSUPPORTED_MEDIA_TYPE');
        }
        const isLocalUser = spec.access === 'control' || access.isLocalUser(req);
        const parts = { params: req.params, query: withoutToken(req.query), body: req.body };
        const result = await handler({ ...parseCallInput(spec, parts, isLocalUser), viewer: viewerOf(req, isLocalUser), req, res });
        if (checked) checkAnswer(name, spec.response, result);
        if (result !== undefined && !res.headersSent) res.json(result);
      } catch (err) {
        next(err);
      }
    });
  }
}

/** `?token=` authenticates; it is not part of any route's query. */
function withoutToken(query: unknown): unknown {
  if (!query || typeof query !== 'object') return {};
  const { token: _token, ...rest } = query as Record<string, unknown>;
  return rest;
}
