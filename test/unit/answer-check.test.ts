// Answers are part of the contract: a handler whose answer drifts from its route's response
// schema fails loudly under the tests (a 500 over real HTTP, the mismatch named), and the check
// is off where users run the node.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { RouteSpec } from '../../src-shared/api/peer-routes.js';
import { AnswerMismatchError, answersChecked, checkAnswer } from '../../src-main/core/api/answer-check.js';
import { AllowedHosts } from '../../src-main/core/http/allowed-hosts.js';
import { ControlAccess } from '../../src-main/core/http/control-access.js';
import { errorHandler } from '../../src-main/core/http/error-handler.js';
import { registerRoutes, type RouteHandlers } from '../../src-main/core/http/route-registry.js';

const countSchema = z.object({ count: z.number().int().nonnegative(), name: z.string() });
const routes = {
  good: { method: 'get', path: '/good', access: 'public', summary: 'a right answer', response: countSchema },
  drifted: { method: 'get', path: '/drifted', access: 'public', summary: 'a wrong answer', response: countSchema },
} as const satisfies Record<string, RouteSpec>;

describe('answers checked against their schemas', () => {
  it('is on under the test runner and in development, off in a release', () => {
    expect(answersChecked()).toBe(true); // vitest.config.ts sets SHOAL_CHECK_ANSWERS
    expect(answersChecked({ SHOAL_CHECK_ANSWERS: '1' })).toBe(true);
    expect(answersChecked({ NODE_ENV: 'development' })).toBe(true);
    expect(answersChecked({})).toBe(false);
    expect(answersChecked({ NODE_ENV: 'production' })).toBe(false);
  });

  it('names the route and the field that drifted', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => checkAnswer('good', countSchema, { count: 2, name: 'x' })).not.toThrow();
      expect(() => checkAnswer('stream', undefined, { anything: true })).not.toThrow();
      const thrown = (() => {
        try {
          checkAnswer('drifted', countSchema, { count: 1.5, name: 'x' });
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(thrown).toBeInstanceOf(AnswerMismatchError);
      expect((thrown as Error).message).toMatch(/^The answer of drifted .*count:/);
      expect(stderr).toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
  });

  describe('over real HTTP', () => {
    let server: ReturnType<ReturnType<typeof express>['listen']>;
    let base: string;
    beforeAll(async () => {
      const app = express();
      const router = express.Router();
      // The cast stands for a handler that lost its types (an `as`, a row read from SQL): the check still catches it.
      const handlers: RouteHandlers<typeof routes> = {
        good: () => ({ count: 3, name: 'three' }),
        drifted: () => ({ count: -1, name: 3 }) as unknown as { count: number; name: string },
      };
      registerRoutes(router, routes, handlers, new ControlAccess({ token: 'x'.repeat(64), allowRemoteControl: false, hosts: new AllowedHosts([]) }), '64kb');
      app.use(router);
      app.use(errorHandler(pino({ level: 'silent' })));
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers a right answer as it is, and a drifted one with 500 INTERNAL', async () => {
      const good = await fetch(`${base}/good`);
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual({ count: 3, name: 'three' });
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const drifted = await fetch(`${base}/drifted`);
        expect(drifted.status).toBe(500);
        expect(((await drifted.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
        expect(String(stderr.mock.calls[0]?.[0])).toMatch(/drifted.*count.*name/s);
      } finally {
        stderr.mockRestore();
      }
    });
  });
});
